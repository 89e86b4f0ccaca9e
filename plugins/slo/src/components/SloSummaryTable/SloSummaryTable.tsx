import { Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { SloWithEntity } from '../../api/SloClient';
import { AlertChip, hours, minutes, percent } from '../format';

/** The budget left as a bar: empty when spent, red under a quarter. */
function BudgetBar({ ratio }: { ratio?: number }) {
  if (ratio === undefined) return null;
  const value = Math.max(0, Math.min(1, ratio)) * 100;
  return (
    <LinearProgress
      variant="determinate"
      value={value}
      color={ratio < 0.25 ? 'secondary' : 'primary'}
      aria-label={`budget left ${percent(ratio, 1)}`}
    />
  );
}

const columns: TableColumn<SloWithEntity>[] = [
  {
    title: 'SLO',
    field: 'slo',
    render: s => (
      <>
        {s.slo}
        {s.description && (
          <Typography variant="body2" color="textSecondary">
            {s.description}
          </Typography>
        )}
      </>
    ),
  },
  { title: 'Objective', render: s => percent(s.objective, 2) },
  {
    title: 'SLI',
    render: s => (s.sli === undefined ? 'no data yet' : percent(s.sli, 3)),
  },
  {
    title: 'Budget left',
    render: s => (
      <Box minWidth={120}>
        {percent(s.errorBudget.remainingRatio, 1)}
        <BudgetBar ratio={s.errorBudget.remainingRatio} />
        <Typography variant="body2" color="textSecondary">
          {minutes(s.errorBudget.remainingMinutes)} of{' '}
          {minutes(s.errorBudget.totalMinutes)}
        </Typography>
      </Box>
    ),
  },
  { title: 'Alert', render: s => <AlertChip state={s.alert} /> },
  { title: 'Exhausted in', render: s => hours(s.hoursToExhaustion) },
];

const source = (s: SloWithEntity) =>
  s.source?.type === 'spec'
    ? `spec ${s.source.file} (${s.source.format})`
    : "Sloth's recording rules";

/** Budget left, alert state and time to exhaustion of each SLO. */
export function SloSummaryTable(props: {
  slos: SloWithEntity[];
  showSource?: boolean;
}) {
  return (
    <Table
      columns={
        props.showSource
          ? [...columns, { title: 'From', render: source }]
          : columns
      }
      data={props.slos}
      options={{
        // No drag-to-reorder: its handle is a focusable element nested in
        // each header's sort button (axe: nested-interactive).
        draggable: false,
        paging: false,
        search: false,
        toolbar: false,
        padding: 'dense',
      }}
    />
  );
}
