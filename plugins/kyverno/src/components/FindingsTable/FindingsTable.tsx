import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { PolicyFinding } from '@internal/plugin-kyverno-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ScrollArea } from '@internal/frontend-helpers';
import { OutcomeChip, SeverityChip } from '../chips';
import { resourceLabel } from '../format';
import { ControlChips, OpenFor } from '../PolicyGroups';

const useStyles = makeStyles(theme => ({
  nowrap: { whiteSpace: 'nowrap' },
  head: { '& > th': { whiteSpace: 'nowrap' } },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
  },
  lines: { '& > * + *': { marginTop: theme.spacing(0.5) } },
  // The message is the longest cell: it gets the room, not the chips.
  finding: { minWidth: 360, maxWidth: 560, wordBreak: 'break-word' },
  resource: { minWidth: 180, wordBreak: 'break-word' },
  controls: { minWidth: 200 },
}));

const keyOf = (f: PolicyFinding) =>
  [
    f.cluster,
    f.policy,
    f.rule,
    f.resource.kind,
    f.resource.namespace,
    f.resource.name,
  ].join('|');

/**
 * The matching fail, error, warn and excepted results, worst first as the
 * backend sends them, each with the entities it belongs to and the
 * controls it evidences.
 */
export function FindingsTable({ findings }: { findings: PolicyFinding[] }) {
  const classes = useStyles();
  return (
    <ScrollArea label="Policy findings">
      <Table size="small" aria-label="Policy findings">
        <TableHead>
          <TableRow className={classes.head}>
            <TableCell>Finding</TableCell>
            <TableCell>Outcome</TableCell>
            <TableCell>Resource</TableCell>
            <TableCell>Entities</TableCell>
            <TableCell>Controls</TableCell>
            <TableCell>Open</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {findings.map(f => (
            <TableRow key={keyOf(f)}>
              <TableCell className={classes.finding}>
                <Typography variant="body2">
                  <strong>{f.policy}</strong> · {f.rule}
                </Typography>
                {f.message && (
                  <Typography variant="body2" color="textSecondary">
                    {f.message}
                  </Typography>
                )}
                {f.exception && (
                  <Typography variant="body2">
                    Exception {f.exception}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <div className={classes.chips}>
                  <OutcomeChip outcome={f.outcome} />
                  <SeverityChip severity={f.severity} />
                </div>
              </TableCell>
              <TableCell className={classes.resource}>
                <div>{resourceLabel(f.resource)}</div>
                <Typography variant="body2" color="textSecondary">
                  cluster {f.cluster}
                </Typography>
              </TableCell>
              <TableCell>
                <div className={classes.lines}>
                  {f.entityRefs.length
                    ? f.entityRefs.map(ref => (
                        <div key={ref}>
                          <EntityRefLink entityRef={ref} />
                        </div>
                      ))
                    : '—'}
                </div>
              </TableCell>
              <TableCell className={classes.controls}>
                <div className={classes.chips}>
                  <ControlChips controls={f.controls} />
                </div>
              </TableCell>
              <TableCell className={classes.nowrap}>
                <OpenFor finding={f} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </ScrollArea>
  );
}
