import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { TEMPLATE_ANNOTATION } from '@internal/plugin-template-upgrades-common';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError, messageOf, statusOf } from '@internal/frontend-helpers';
import { templateUpgradesApiRef } from '../../api/TemplateUpgradesClient';
import { DriftSummary } from '../DriftSummary';
import { templateName } from '../format';

/** The backend answers 404 for an entity it does not know as generated. */
export const isNotGenerated = (error: unknown) => statusOf(error) === 404;

/** An entity whose template the backend does not know: said, with its words. */
export function NotGenerated(props: { error: unknown }) {
  const { entity } = useEntity();
  const annotated = entity.metadata.annotations?.[TEMPLATE_ANNOTATION];
  return (
    <>
      <Typography variant="body1">No template record</Typography>
      <Typography variant="body2">
        {annotated
          ? `It says it was generated from ${templateName(
              annotated,
            )}, but the template upgrades do not know it as generated: ${messageOf(
              props.error,
            )}`
          : messageOf(props.error)}
      </Typography>
    </>
  );
}

/** The entity's drift, as the card loads it. */
export function useServiceDrift() {
  const { entity } = useEntity();
  const api = useApi(templateUpgradesApiRef);
  const ref = useMemo(() => getCompoundEntityRef(entity), [entity]);
  return useAsyncRetry(
    () => api.getServiceDrift(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );
}

/**
 * The overview card: the template release the service is at, how far
 * behind the template it is and what the releases it would get bring, and
 * a link to the Upgrade tab. A failure here only affects this card.
 */
export function EntityTemplateCard() {
  const { entity } = useEntity();
  const entityLink = useEntityRefLink();
  const { value, loading, error, retry } = useServiceDrift();

  let content;
  if (loading) content = <Progress />;
  else if (isNotGenerated(error)) content = <NotGenerated error={error} />;
  else if (error) {
    content = <LoadError error={error} what="The template" retry={retry} />;
  } else if (value) content = <DriftSummary drift={value} />;

  return (
    <div data-testid="template-card">
      <InfoCard
        title="Golden path"
        deepLink={
          value?.status === 'behind'
            ? {
                title: 'See the upgrade',
                link: `${entityLink(entity)}/upgrade`,
              }
            : undefined
        }
      >
        {content}
      </InfoCard>
    </div>
  );
}
