import {
  OUTCOMES,
  OutcomeCounts,
  SEVERITIES,
  SeverityCounts,
} from '@internal/plugin-kyverno-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { ScrollArea } from '@internal/frontend-helpers';

const useStyles = makeStyles(theme => ({
  head: { '& > th': { whiteSpace: 'nowrap' } },
  // A failing count draws the eye; bold, in the theme's text colour (the
  // error colours are under 4.5:1 as small text on some backgrounds).
  attention: { fontWeight: theme.typography.fontWeightBold as number },
}));

/** One row of numbers under one header row: compact enough for a card. */
function CountsRow<K extends string>(props: {
  label: string;
  corner: string;
  rowLabel: string;
  keys: readonly K[];
  names?: Partial<Record<K, string>>;
  counts: Record<K, number>;
  loud?: readonly K[];
}) {
  const { label, corner, rowLabel, keys, counts, loud = [] } = props;
  const names: Partial<Record<K, string>> = props.names ?? {};
  const classes = useStyles();
  return (
    <ScrollArea label={label}>
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow className={classes.head}>
            <TableCell>{corner}</TableCell>
            {keys.map(k => (
              <TableCell key={k} align="right">
                {names[k] ?? k}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          <TableRow>
            <TableCell component="th" scope="row">
              {rowLabel}
            </TableCell>
            {keys.map(k => (
              <TableCell
                key={k}
                align="right"
                className={
                  loud.includes(k) && (counts[k] ?? 0) > 0
                    ? classes.attention
                    : undefined
                }
              >
                {(counts[k] ?? 0).toLocaleString('en-US')}
              </TableCell>
            ))}
          </TableRow>
        </TableBody>
      </Table>
    </ScrollArea>
  );
}

/** Results by outcome: fail, error, warn, excepted, skip, pass. */
export function OutcomeCountsTable(props: {
  counts: OutcomeCounts;
  label?: string;
}) {
  return (
    <CountsRow
      label={props.label ?? 'Results by outcome'}
      corner="Outcome"
      rowLabel="Results"
      keys={OUTCOMES}
      counts={props.counts}
      loud={['fail', 'error']}
    />
  );
}

const SEVERITY_KEYS = [...SEVERITIES, 'none'] as const;

/** Failing and warning results by the severity of their policy. */
export function SeverityCountsTable(props: { severities: SeverityCounts }) {
  return (
    <CountsRow
      label="Failing and warning results by severity"
      corner="Severity"
      rowLabel="Fail, error, warn"
      keys={SEVERITY_KEYS}
      names={{ none: 'no severity' }}
      counts={props.severities}
      loud={['critical', 'high']}
    />
  );
}
