import { StandardState } from '@internal/plugin-kyverno-common';
import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { ScrollArea } from '@internal/frontend-helpers';
import { ControlStatusChip } from '../chips';

const useStyles = makeStyles({
  nowrap: { whiteSpace: 'nowrap' },
  head: { '& > th': { whiteSpace: 'nowrap' } },
});

const COUNTED = ['fail', 'error', 'warn', 'excepted', 'pass'] as const;

/** A standard's controls: which policies evidence each, and how it stands. */
export function ControlsTable(props: {
  standard: StandardState;
  onShowFindings?: (standard: string, control: string) => void;
}) {
  const { standard, onShowFindings } = props;
  const classes = useStyles();
  return (
    <ScrollArea label={`Controls of ${standard.id}`}>
      <Table size="small" aria-label={`Controls of ${standard.id}`}>
        <TableHead>
          <TableRow className={classes.head}>
            <TableCell>Control</TableCell>
            <TableCell>Title</TableCell>
            <TableCell>Policies</TableCell>
            {COUNTED.map(o => (
              <TableCell key={o} align="right">
                {o}
              </TableCell>
            ))}
            <TableCell>Status</TableCell>
            {onShowFindings && <TableCell>Findings</TableCell>}
          </TableRow>
        </TableHead>
        <TableBody>
          {standard.controls.map(c => (
            <TableRow key={c.id} data-control={c.id}>
              <TableCell component="th" scope="row" className={classes.nowrap}>
                {c.id}
              </TableCell>
              <TableCell>{c.title}</TableCell>
              <TableCell>
                {c.policies.length ? c.policies.join(', ') : '—'}
              </TableCell>
              {COUNTED.map(o => (
                <TableCell key={o} align="right">
                  {c.counts[o] ?? 0}
                </TableCell>
              ))}
              <TableCell className={classes.nowrap}>
                <ControlStatusChip status={c.status} />
              </TableCell>
              {onShowFindings && (
                <TableCell>
                  {c.policies.length > 0 && (
                    <Button
                      size="small"
                      color="primary"
                      aria-label={`Show findings of ${standard.id} ${c.id}`}
                      onClick={() => onShowFindings(standard.id, c.id)}
                    >
                      Show
                    </Button>
                  )}
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </ScrollArea>
  );
}
