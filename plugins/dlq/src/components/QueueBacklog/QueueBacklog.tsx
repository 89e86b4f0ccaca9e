import { StatusOK, StatusWarning } from '@backstage/core-components';
import {
  BACKLOG_SCALE_THRESHOLD,
  QueueBacklog,
  QueueBacklogList,
} from '@internal/plugin-dlq-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { absolute, ago } from '../format';
import { byPriority } from '../QueueDepths/queueState';

/** What the seed's alert rule (8.6.9) says of a queue's waiting tasks. */
export function backlogState(q: QueueBacklog): 'scale' | 'ok' {
  return q.waiting > BACKLOG_SCALE_THRESHOLD ? 'scale' : 'ok';
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Beside the dead letters, what is still on its way: tasks waiting for a
 * worker, in flight, delayed (retries in their backoff), and how long the
 * oldest has waited.
 */
export function QueueBacklogTable(props: {
  backlog: QueueBacklogList;
  caption?: boolean;
}) {
  const { backlog } = props;
  const queues = byPriority(backlog.queues);
  return (
    <>
      {props.caption !== false && (
        <Typography variant="body2" color="textSecondary" paragraph>
          {backlog.scope === 'queue'
            ? 'Dramatiq queues are shared by every service: these are the whole queues.'
            : "The service's own BullMQ queues."}{' '}
          More than {count(BACKLOG_SCALE_THRESHOLD)} waiting tasks means scale
          the workers.
        </Typography>
      )}
      <Table size="small" aria-label="Queue backlog">
        <TableHead>
          <TableRow>
            <TableCell>Queue</TableCell>
            <TableCell align="right">Waiting</TableCell>
            <TableCell align="right">In flight</TableCell>
            <TableCell align="right">Delayed</TableCell>
            <TableCell>Oldest waiting</TableCell>
            <TableCell>State</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {queues.map(q => (
            <TableRow key={q.queue}>
              <TableCell>{q.queue}</TableCell>
              <TableCell align="right">{count(q.waiting)}</TableCell>
              <TableCell align="right">{count(q.inFlight)}</TableCell>
              <TableCell align="right">{count(q.delayed)}</TableCell>
              <TableCell title={absolute(q.oldestWaitingAt)}>
                {q.oldestWaitingAt ? ago(q.oldestWaitingAt) : '—'}
              </TableCell>
              <TableCell>
                {backlogState(q) === 'scale' ? (
                  <StatusWarning>scale workers</StatusWarning>
                ) : (
                  <StatusOK>ok</StatusOK>
                )}
                {q.problem && (
                  <Typography variant="caption" display="block">
                    {q.problem}
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
