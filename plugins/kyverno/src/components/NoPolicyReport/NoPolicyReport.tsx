import { EmptyState } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import { EntityPolicyReport, OUTCOMES } from '@internal/plugin-kyverno-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { workloadAnnotations } from '../../annotations';

/** No result at all for the entity: no snapshot yet, or none names it. */
export function hasNoResults(report: EntityPolicyReport) {
  return (
    report.snapshot === null ||
    (OUTCOMES.every(o => (report.counts[o] ?? 0) === 0) &&
      report.failing.length === 0 &&
      report.excepted.length === 0)
  );
}

function Checks({ entity }: { entity: Entity }) {
  const annotations = workloadAnnotations(entity);
  return (
    <Box component="ul" pl={2} m={0}>
      <li>
        <Typography variant="body2" component="span">
          the workloads carry what this entity&apos;s annotations name (
          {annotations.join(', ') || 'none'}): the label, label selector or
          namespace the Kubernetes tab uses;
        </Typography>
      </li>
      <li>
        <Typography variant="body2" component="span">
          Kyverno&apos;s background scans run on the clusters and write policy
          reports in that namespace (
          <code>kubectl get policyreports -n &lt;namespace&gt;</code>);
        </Typography>
      </li>
      <li>
        <Typography variant="body2" component="span">
          the portal could read every cluster in its last snapshot (a cluster it
          could not read is named above).
        </Typography>
      </li>
    </Box>
  );
}

const NO_SNAPSHOT_TITLE = 'No snapshot of the policy reports yet';
const NO_SNAPSHOT =
  "The portal reads every cluster's policy reports on a schedule; the first snapshot comes after its first run. If this lasts, the Kyverno backend's log says why.";
const NO_RESULTS_TITLE =
  "No policy report mentions this service's workloads yet";

/** Why there is nothing to show, and what to check; `compact` in a card. */
export function NoPolicyReport(props: {
  entity: Entity;
  report: EntityPolicyReport;
  compact?: boolean;
}) {
  const { entity, report, compact } = props;
  const noSnapshot = report.snapshot === null;
  const title = noSnapshot ? NO_SNAPSHOT_TITLE : NO_RESULTS_TITLE;
  const description = noSnapshot
    ? NO_SNAPSHOT
    : 'None of the policy results the portal read is about a workload of this entity. Check that:';
  const checks = noSnapshot ? undefined : <Checks entity={entity} />;
  if (compact) {
    return (
      <Box>
        <Typography variant="subtitle1" component="p" gutterBottom>
          {title}
        </Typography>
        <Typography variant="body2">{description}</Typography>
        {checks}
      </Box>
    );
  }
  return (
    <EmptyState
      missing="data"
      title={title}
      description={description}
      action={checks}
    />
  );
}
