import {
  ComplianceFilter,
  ComplianceReport,
  Outcome,
  OUTCOMES,
  Severity,
  SEVERITIES,
} from '@internal/plugin-kyverno-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { FilterOption, FilterSelect } from './FilterSelect';

const plain = (values: readonly string[]): FilterOption[] =>
  values.map(v => ({ value: v, label: v }));

/** `system:default/local-plus` → `local-plus`, the full ref kept as value. */
const refs = (values: string[]): FilterOption[] =>
  values.map(v => ({ value: v, label: v.replace(/^[^:]+:(default\/)?/, '') }));

/**
 * The page's filters. They live in the address, so a link shows the same
 * view; the menus list what the latest report knows.
 */
export function Filters(props: {
  filter: ComplianceFilter;
  report?: ComplianceReport;
  onChange: (patch: Partial<ComplianceFilter>) => void;
  onClear: () => void;
}) {
  const { filter, report, onChange, onClear } = props;
  const options = report?.options;
  const standards = (report?.standards ?? []).map(s => ({
    value: s.id,
    label: standardLabel(s),
  }));
  const set = (key: keyof ComplianceFilter) => (v?: string) =>
    onChange({ [key]: v });
  const anySet = Object.values(filter).some(v =>
    Array.isArray(v) ? v.length > 0 : Boolean(v),
  );

  return (
    <Box data-testid="compliance-filters">
      <Grid container spacing={2}>
        <Grid item xs={12} sm={6} md={3}>
          <FilterSelect
            id="kyverno-filter-standard"
            label="Standard"
            anyLabel="All standards"
            options={standards}
            value={filter.standard}
            onChange={v => onChange({ standard: v, control: undefined })}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <FilterSelect
            multiple
            id="kyverno-filter-severity"
            label="Severity"
            anyLabel="Any severity"
            options={plain(SEVERITIES)}
            value={filter.severity}
            onChange={v => onChange({ severity: v as Severity[] })}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <FilterSelect
            multiple
            id="kyverno-filter-policy"
            label="Policy"
            anyLabel="Any policy"
            options={plain(options?.policies ?? [])}
            value={filter.policy}
            onChange={v => onChange({ policy: v })}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <FilterSelect
            multiple
            id="kyverno-filter-outcome"
            label="Outcome"
            anyLabel="Any outcome"
            options={plain(OUTCOMES)}
            value={filter.outcome}
            onChange={v => onChange({ outcome: v as Outcome[] })}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <FilterSelect
            id="kyverno-filter-system"
            label="System"
            anyLabel="All systems"
            options={refs(options?.systems ?? [])}
            value={filter.system}
            onChange={set('system')}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <FilterSelect
            id="kyverno-filter-owner"
            label="Team"
            anyLabel="All teams"
            options={refs(options?.owners ?? [])}
            value={filter.owner}
            onChange={set('owner')}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <FilterSelect
            id="kyverno-filter-namespace"
            label="Namespace"
            anyLabel="All namespaces"
            options={plain(options?.namespaces ?? [])}
            value={filter.namespace}
            onChange={set('namespace')}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <FilterSelect
            id="kyverno-filter-cluster"
            label="Cluster"
            anyLabel="All clusters"
            options={plain(options?.clusters ?? [])}
            value={filter.cluster}
            onChange={set('cluster')}
          />
        </Grid>
      </Grid>
      <Box
        mt={1}
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        gridGap={8}
      >
        {filter.control && (
          <Chip
            label={`Control ${filter.standard ? `${filter.standard}:` : ''}${
              filter.control
            }`}
            onDelete={() => onChange({ control: undefined })}
          />
        )}
        <Button
          size="small"
          variant="outlined"
          onClick={onClear}
          disabled={!anySet}
        >
          Clear filters
        </Button>
        <Typography variant="body2">
          The filters are part of the address: share it to show this view.
        </Typography>
      </Box>
    </Box>
  );
}

/** "PCI-DSS (PCI DSS v4.0.1)"; a title that starts with its id alone. */
function standardLabel(s: { id: string; title?: string }): string {
  if (!s.title || s.title === s.id) return s.id;
  if (s.title.startsWith(s.id)) return s.title;
  return `${s.id} (${s.title})`;
}
