import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { dlqApiRef } from '../../api/DlqClient';
import { QueueDepths } from '../QueueDepths';

/**
 * The overview card: is the entity's dead-letter queue growing, and where to
 * inspect it. A failure here only affects this card.
 */
export function EntityDeadLettersCard() {
  const { entity } = useEntity();
  const api = useApi(dlqApiRef);
  const entityLink = useEntityRefLink();
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    // Counts only: one dead letter is enough to read.
    () => api.getDeadLetters(entityRef, { limit: 1 }),
    [api, entityRef],
  );

  let content;
  if (loading) content = <Progress />;
  else if (error)
    content = (
      <LoadError
        error={error}
        what="Dead letters"
        plainly={[503]}
        retry={retry}
      />
    );
  else if (value) content = <QueueDepths list={value} />;

  return (
    <div data-testid="dead-letters-card">
      <InfoCard
        title="Dead letters"
        subheader={value?.source}
        deepLink={{
          title: 'Inspect, replay or discard',
          link: `${entityLink(entity)}/dead-letters`,
        }}
      >
        {content}
      </InfoCard>
    </div>
  );
}
