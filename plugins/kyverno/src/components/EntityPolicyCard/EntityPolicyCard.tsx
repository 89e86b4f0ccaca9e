import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { kyvernoApiRef } from '../../api/KyvernoClient';
import { ClusterStatuses } from '../ClusterStatuses';
import { OutcomeCountsTable, SeverityCountsTable } from '../Counts';
import { hasNoResults, NoPolicyReport } from '../NoPolicyReport';
import { SnapshotTime } from '../SnapshotTime';
import { plural } from '../format';

/**
 * The overview card: how the entity's workloads fare against the Kyverno
 * policies in the latest snapshot, and a link to the findings. A failure
 * here only affects this card.
 */
export function EntityPolicyCard() {
  const { entity } = useEntity();
  const api = useApi(kyvernoApiRef);
  const entityLink = useEntityRefLink();
  const ref = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntityResults(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );

  let content;
  if (loading) content = <Progress />;
  else if (error)
    content = <LoadError error={error} what="Policy reports" retry={retry} />;
  else if (value && hasNoResults(value)) {
    content = (
      <>
        <ClusterStatuses clusters={value.clusters} />
        <Box mt={value.clusters.some(c => !c.ok) ? 2 : 0}>
          <NoPolicyReport entity={entity} report={value} compact />
        </Box>
      </>
    );
  } else if (value) {
    const failing = value.counts.fail + value.counts.error;
    content = (
      <>
        <Typography variant="h6" component="p" gutterBottom>
          {failing === 0 && value.counts.warn === 0
            ? 'No failing result'
            : `${plural(failing, 'failing result')}, ${plural(
                value.counts.warn,
                'warning',
              )}`}
        </Typography>
        <ClusterStatuses clusters={value.clusters} />
        <Box mt={1}>
          <OutcomeCountsTable counts={value.counts} />
        </Box>
        <Box mt={2}>
          <SeverityCountsTable severities={value.severities} />
        </Box>
      </>
    );
  }

  return (
    <div data-testid="kyverno-card">
      <InfoCard
        title="Policy reports"
        subheader={<SnapshotTime snapshot={value?.snapshot} />}
        deepLink={{
          title: 'Findings and exceptions',
          link: `${entityLink(entity)}/policies`,
        }}
      >
        {content}
      </InfoCard>
    </div>
  );
}
