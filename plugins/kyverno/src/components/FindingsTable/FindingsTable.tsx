import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { PolicyFinding } from '@internal/plugin-kyverno-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { OutcomeChip, SeverityChip } from '../chips';
import { resourceLabel } from '../format';
import { ControlChips, OpenFor } from '../PolicyGroups';
import { ScrollArea } from '../ScrollArea';

const useStyles = makeStyles(theme => ({
  nowrap: { whiteSpace: 'nowrap' },
  head: { '& > th': { whiteSpace: 'nowrap' } },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
  },
  lines: { '& > * + *': { marginTop: theme.spacing(0.5) } },
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
            <TableCell>Policy</TableCell>
            <TableCell>Rule and message</TableCell>
            <TableCell>Outcome</TableCell>
            <TableCell>Severity</TableCell>
            <TableCell>Resource</TableCell>
            <TableCell>Cluster</TableCell>
            <TableCell>Entities</TableCell>
            <TableCell>Controls</TableCell>
            <TableCell>Open</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {findings.map(f => (
            <TableRow key={keyOf(f)}>
              <TableCell>{f.policy}</TableCell>
              <TableCell>
                <div>{f.rule}</div>
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
                <OutcomeChip outcome={f.outcome} />
              </TableCell>
              <TableCell>
                <SeverityChip severity={f.severity} />
                {!f.severity && '—'}
              </TableCell>
              <TableCell>{resourceLabel(f.resource)}</TableCell>
              <TableCell className={classes.nowrap}>{f.cluster}</TableCell>
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
              <TableCell>
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
