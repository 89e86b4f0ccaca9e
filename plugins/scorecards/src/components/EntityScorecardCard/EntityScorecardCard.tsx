import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { scorecardsApiRef } from '../../api/ScorecardsClient';
import { isNotScored, NotScoredYet } from '../NotScoredYet';
import { ScorecardSummary } from '../ScorecardSummary';

/** The entity's scorecard, as the card and the tab load it. */
export function useEntityScorecard() {
  const { entity } = useEntity();
  const api = useApi(scorecardsApiRef);
  const ref = useMemo(() => getCompoundEntityRef(entity), [entity]);
  return useAsyncRetry(
    () => api.getEntityScorecard(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );
}

/**
 * The overview card: the service's production-readiness level, what blocks
 * the next one, and a link to every check. A failure here only affects
 * this card.
 */
export function EntityScorecardCard() {
  const { entity } = useEntity();
  const entityLink = useEntityRefLink();
  const { value, loading, error, retry } = useEntityScorecard();

  let content;
  if (loading) content = <Progress />;
  // Not scored yet is a state of the service, not a failure.
  else if (isNotScored(error)) content = <NotScoredYet />;
  else if (error) {
    content = <LoadError error={error} what="The scorecard" retry={retry} />;
  } else if (value) content = <ScorecardSummary scorecard={value} />;

  return (
    <div data-testid="scorecard-card">
      <InfoCard
        title="Production readiness"
        deepLink={
          value
            ? {
                title: 'See every check',
                link: `${entityLink(entity)}/scorecard`,
              }
            : undefined
        }
      >
        {content}
      </InfoCard>
    </div>
  );
}
