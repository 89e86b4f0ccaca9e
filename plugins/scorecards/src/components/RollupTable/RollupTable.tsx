import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  CHECKS,
  LevelOrNone,
  Rollup,
  RollupDimension,
} from '@internal/plugin-scorecards-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ScrollArea } from '@internal/frontend-helpers';
import { levelLabel, percentOf } from '../format';

/** What each dimension is called, and its entities' kind. */
export const DIMENSIONS: Record<
  RollupDimension,
  { label: string; kind: string; none: string }
> = {
  owner: { label: 'Team', kind: 'group', none: 'No owner' },
  system: { label: 'System', kind: 'system', none: 'No system' },
  domain: { label: 'Domain', kind: 'domain', none: 'No domain' },
};

const LEVEL_COLUMNS: LevelOrNone[] = ['none', 'bronze', 'silver', 'gold'];

const useStyles = makeStyles({
  head: {
    '& > th': { verticalAlign: 'bottom' },
    '& > th:not($check)': { whiteSpace: 'nowrap' },
  },
  // Check titles are long: they wrap, in a column narrow enough to scan.
  check: {
    minWidth: 120,
    maxWidth: 150,
    verticalAlign: 'bottom',
    wordBreak: 'keep-all',
  },
  // A team or system name stays on one line.
  key: { minWidth: 160, whiteSpace: 'nowrap' },
  group: { borderLeft: '1px solid rgba(128, 128, 128, 0.4)' },
});

/**
 * One row per team, system or domain: its services, how many are at each
 * level, and the share of its services that pass each check (with how
 * many could not be evaluated).
 */
export function RollupTable({ rollup }: { rollup: Rollup }) {
  const classes = useStyles();
  const dimension = DIMENSIONS[rollup.by];
  const label = `Levels and checks by ${dimension.label.toLocaleLowerCase(
    'en-US',
  )}`;
  return (
    <ScrollArea label={label}>
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow className={classes.head}>
            <TableCell rowSpan={2}>{dimension.label}</TableCell>
            <TableCell rowSpan={2} align="right">
              Services
            </TableCell>
            <TableCell colSpan={LEVEL_COLUMNS.length} className={classes.group}>
              Services at each level
            </TableCell>
            <TableCell colSpan={CHECKS.length} className={classes.group}>
              Services passing each check
            </TableCell>
          </TableRow>
          <TableRow className={classes.head}>
            {LEVEL_COLUMNS.map((l, i) => (
              <TableCell
                key={l}
                align="right"
                className={i === 0 ? classes.group : undefined}
              >
                {levelLabel(l)}
              </TableCell>
            ))}
            {CHECKS.map((c, i) => (
              <TableCell
                key={c.id}
                align="right"
                className={`${classes.check} ${i === 0 ? classes.group : ''}`}
              >
                {c.title}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rollup.rows.map(row => (
            <TableRow key={row.key} data-key={row.key}>
              <TableCell
                component="th"
                scope="row"
                role="rowheader"
                className={classes.key}
              >
                {row.key === 'none' ? (
                  dimension.none
                ) : (
                  <EntityRefLink
                    entityRef={row.key}
                    defaultKind={dimension.kind}
                  />
                )}
              </TableCell>
              <TableCell align="right">{row.services}</TableCell>
              {LEVEL_COLUMNS.map((l, i) => (
                <TableCell
                  key={l}
                  align="right"
                  className={i === 0 ? classes.group : undefined}
                >
                  {row.levels[l] ?? 0}
                </TableCell>
              ))}
              {CHECKS.map((c, i) => {
                const passed = row.passed[c.id] ?? 0;
                const unknown = row.unknown[c.id] ?? 0;
                return (
                  <TableCell
                    key={c.id}
                    align="right"
                    className={i === 0 ? classes.group : undefined}
                    title={`${passed} of ${row.services} pass${
                      unknown ? `, ${unknown} unknown` : ''
                    }`}
                  >
                    {percentOf(passed, row.services)}
                    {unknown > 0 && (
                      <Typography variant="caption" component="div">
                        {unknown} unknown
                      </Typography>
                    )}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </ScrollArea>
  );
}
