import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { kyvernoApiRef } from '../../api/KyvernoClient';
import { ClusterStatuses } from '../ClusterStatuses';
import { OutcomeCountsTable, SeverityCountsTable } from '../Counts';
import { ExceptedResults } from '../ExceptedResults';
import { hasNoResults, NoPolicyReport } from '../NoPolicyReport';
import { PolicyGroups } from '../PolicyGroups';
import { SnapshotTime } from '../SnapshotTime';
import { plural } from '../format';

/**
 * The Policies tab: counts, failing results by policy with how to fix them,
 * the excepted results with their exception, and how reading each cluster
 * went.
 */
export function EntityPolicyContent() {
  const { entity } = useEntity();
  const api = useApi(kyvernoApiRef);
  const ref = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntityResults(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );

  const summary = (
    <InfoCard
      title="Policy reports"
      subheader={<SnapshotTime snapshot={value?.snapshot} />}
    >
      {loading && <Progress />}
      {!loading && error && (
        <LoadError error={error} what="Policy reports" retry={retry} />
      )}
      {!loading && value && (
        <>
          <ClusterStatuses clusters={value.clusters} details />
          {hasNoResults(value) ? (
            <Box mt={2}>
              <NoPolicyReport entity={entity} report={value} />
            </Box>
          ) : (
            <Box mt={2}>
              <OutcomeCountsTable counts={value.counts} />
              <Box mt={2}>
                <SeverityCountsTable severities={value.severities} />
              </Box>
            </Box>
          )}
        </>
      )}
    </InfoCard>
  );

  const showDetails = !loading && value && !hasNoResults(value);
  const findings = value?.failing.reduce((n, g) => n + g.findings.length, 0);

  return (
    <Grid container spacing={3} data-testid="kyverno-tab">
      <Grid item xs={12}>
        {summary}
      </Grid>
      {showDetails && value && (
        <>
          <Grid item xs={12}>
            <InfoCard
              title="Failing and warning results"
              subheader={
                value.failing.length
                  ? `${plural(findings ?? 0, 'result')} of ${plural(
                      value.failing.length,
                      'policy',
                      'policies',
                    )}, worst first`
                  : undefined
              }
            >
              {value.failing.length === 0 ? (
                <Typography variant="body2" color="textSecondary">
                  No failing or warning result: every policy passes, is skipped
                  or is excepted.
                </Typography>
              ) : (
                <PolicyGroups groups={value.failing} />
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard title="Exceptions">
              <ExceptedResults results={value.excepted} />
            </InfoCard>
          </Grid>
        </>
      )}
    </Grid>
  );
}
