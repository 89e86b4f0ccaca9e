import { PolicyFinding } from '@internal/plugin-kyverno-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ScrollArea } from '@internal/frontend-helpers';
import { SeverityChip } from '../chips';
import { resourceLabel } from '../format';
import { OpenFor } from '../PolicyGroups';

const useStyles = makeStyles({
  nowrap: { whiteSpace: 'nowrap' },
  head: { '& > th': { whiteSpace: 'nowrap' } },
  exception: { fontFamily: 'monospace' },
});

/**
 * Results a PolicyException turned into skips: which exception, and what it
 * says, so a reviewer can check each one is still approved.
 */
export function ExceptedResults({ results }: { results: PolicyFinding[] }) {
  const classes = useStyles();
  if (results.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No result is excepted: no PolicyException applies to these workloads.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2" paragraph>
        These rules were skipped because a PolicyException exempts the resource,
        not because they do not apply. Check that each exception is still
        approved and still needed.
      </Typography>
      <ScrollArea label="Excepted results">
        <Table size="small" aria-label="Excepted results">
          <TableHead>
            <TableRow className={classes.head}>
              <TableCell>Policy</TableCell>
              <TableCell>Rule</TableCell>
              <TableCell>Resource</TableCell>
              <TableCell>Cluster</TableCell>
              <TableCell>Exception</TableCell>
              <TableCell>Message</TableCell>
              <TableCell>Severity</TableCell>
              <TableCell>Excepted</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {results.map(r => (
              <TableRow
                key={`${r.cluster}|${r.policy}|${r.rule}|${r.resource.kind}|${r.resource.namespace}|${r.resource.name}`}
              >
                <TableCell>{r.policy}</TableCell>
                <TableCell>{r.rule}</TableCell>
                <TableCell>{resourceLabel(r.resource)}</TableCell>
                <TableCell className={classes.nowrap}>{r.cluster}</TableCell>
                <TableCell className={classes.exception}>
                  {r.exception ?? 'unnamed exception'}
                </TableCell>
                <TableCell>{r.message || '—'}</TableCell>
                <TableCell>
                  <SeverityChip severity={r.severity} />
                </TableCell>
                <TableCell className={classes.nowrap}>
                  <OpenFor finding={r} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </ScrollArea>
    </>
  );
}
