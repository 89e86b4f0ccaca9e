import {
  Content,
  EmptyState,
  InfoCard,
  Progress,
} from '@backstage/core-components';
import { useApi, useAppSearchParams } from '@backstage/frontend-plugin-api';
import {
  ComplianceFilter,
  ComplianceReport,
  OUTCOMES,
} from '@internal/plugin-kyverno-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useCallback, useMemo, useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { kyvernoApiRef } from '../../api/KyvernoClient';
import { CatalogueFindings } from '../CatalogueFindings';
import { ClusterStatuses } from '../ClusterStatuses';
import { ControlsTable } from '../ControlsTable';
import { OutcomeCountsTable } from '../Counts';
import { ExportPanel } from '../ExportPanel';
import { FindingsTable } from '../FindingsTable';
import { GroupCounts } from '../GroupCounts';
import { SnapshotTime } from '../SnapshotTime';
import { TrendChart } from '../TrendChart';
import { plural } from '../format';
import { Filters } from './Filters';
import {
  describeFilter,
  filterFromParams,
  rangeFromParams,
  toParams,
} from './filters';

/** Findings asked for at once; the export has them all. */
export const FINDINGS_LIMIT = 500;

const isEmptyReport = (r: ComplianceReport) =>
  OUTCOMES.every(o => (r.totals[o] ?? 0) === 0) && r.findings.length === 0;

/**
 * The compliance page for reviewers: the latest snapshot of every cluster's
 * policy reports by standard and control, counts by system, team,
 * namespace and cluster, the findings, the trend and the evidence export.
 * Its filters live in the address, so a link shares the view.
 */
export function CompliancePage() {
  const api = useApi(kyvernoApiRef);
  const [params, setParams] = useAppSearchParams();
  const query = params.toString();
  const filter = useMemo(
    () => filterFromParams(new URLSearchParams(query)),
    [query],
  );
  const days = rangeFromParams(new URLSearchParams(query));
  const filterKey = JSON.stringify(filter);

  const report = useAsyncRetry(
    () => api.getCompliance(JSON.parse(filterKey), { limit: FINDINGS_LIMIT }),
    // filterKey stands for the filter.
    [api, filterKey],
  );

  // The menus keep the last report's choices while the next one loads.
  const last = useRef<ComplianceReport>();
  if (report.value) last.current = report.value;
  const shown = report.value ?? last.current;

  const update = useCallback(
    (next: ComplianceFilter, nextDays: number) =>
      setParams(toParams(next, nextDays), { replace: true }),
    [setParams],
  );
  const change = (patch: Partial<ComplianceFilter>) =>
    update({ ...filter, ...patch }, days);
  const clear = () => update({}, days);

  let body;
  if (report.error) {
    body = (
      <Grid item xs={12}>
        <LoadError
          error={report.error}
          what="Policy reports"
          retry={report.retry}
        />
      </Grid>
    );
  } else if (report.loading || !report.value) {
    body = (
      <Grid item xs={12}>
        <Progress />
      </Grid>
    );
  } else if (report.value.snapshot === null) {
    body = (
      <Grid item xs={12}>
        <EmptyState
          missing="data"
          title="No snapshot of the policy reports yet"
          description="The portal reads every cluster's policy reports on a schedule; the first snapshot comes after its first run. If this lasts, the Kyverno backend's log says why."
        />
      </Grid>
    );
  } else {
    const r = report.value;
    const scope = describeFilter(filter);
    body = (
      <>
        {r.catalogueFindings.length > 0 && (
          <Grid item xs={12}>
            <CatalogueFindings findings={r.catalogueFindings} />
          </Grid>
        )}
        {isEmptyReport(r) && (
          <Grid item xs={12}>
            <EmptyState
              missing="data"
              title={scope ? 'No result matches these filters' : 'No result'}
              description={
                scope
                  ? `Nothing matches ${scope}. Clear a filter to see more.`
                  : 'The clusters reported no policy result in this snapshot: check that Kyverno runs its background scans there.'
              }
              action={
                scope ? (
                  <Button variant="outlined" onClick={clear}>
                    Clear filters
                  </Button>
                ) : undefined
              }
            />
          </Grid>
        )}
        {r.standards.map(s => (
          <Grid item xs={12} key={s.id}>
            <InfoCard
              title={s.title && s.title !== s.id ? `${s.id}: ${s.title}` : s.id}
              subheader={`${plural(s.controls.length, 'control')}, ${
                s.controls.filter(c => c.status === 'failing').length
              } failing`}
            >
              <ControlsTable
                standard={s}
                onShowFindings={(standard, control) =>
                  change({ standard, control })
                }
              />
            </InfoCard>
          </Grid>
        ))}
        <Grid item xs={12}>
          <InfoCard title="Results by group">
            <GroupCounts
              groupings={[
                {
                  id: 'system',
                  label: 'System',
                  groups: r.bySystem,
                  entities: true,
                },
                {
                  id: 'team',
                  label: 'Team',
                  groups: r.byTeam,
                  entities: true,
                },
                { id: 'namespace', label: 'Namespace', groups: r.byNamespace },
                { id: 'cluster', label: 'Cluster', groups: r.byCluster },
              ]}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard
            title="Findings"
            subheader={
              r.totalFindings > r.findings.length
                ? `The worst ${
                    r.findings.length
                  } of ${r.totalFindings.toLocaleString(
                    'en-US',
                  )}: narrow the filters, or export them all`
                : plural(r.totalFindings, 'finding')
            }
          >
            {r.findings.length === 0 ? (
              <Typography variant="body2" color="textSecondary">
                No failing, erroring, warning or excepted result
                {scope ? ` for ${scope}` : ''}.
              </Typography>
            ) : (
              <FindingsTable findings={r.findings} />
            )}
          </InfoCard>
        </Grid>
      </>
    );
  }

  return (
    <Content data-testid="compliance-page">
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard
            title="Latest snapshot"
            subheader={<SnapshotTime snapshot={shown?.snapshot} />}
          >
            {shown ? (
              <>
                <ClusterStatuses clusters={shown.clusters} details />
                <Box mt={2}>
                  <OutcomeCountsTable
                    counts={shown.totals}
                    label="Results by outcome, after the filters"
                  />
                </Box>
              </>
            ) : (
              <Typography variant="body2">
                {report.error ? 'Not read.' : 'Reading…'}
              </Typography>
            )}
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Filters">
            <Filters
              filter={filter}
              report={shown}
              onChange={change}
              onClear={clear}
            />
          </InfoCard>
        </Grid>
        {body}
        <Grid item xs={12}>
          <TrendChart
            filter={filter}
            days={days}
            onDaysChange={d => update(filter, d)}
          />
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Export evidence">
            <ExportPanel filter={filter} snapshot={shown?.snapshot} />
          </InfoCard>
        </Grid>
      </Grid>
    </Content>
  );
}
