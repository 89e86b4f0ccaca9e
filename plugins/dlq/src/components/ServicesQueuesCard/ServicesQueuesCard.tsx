import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { BACKLOG_SCALE_THRESHOLD } from '@internal/plugin-dlq-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { messageOf, statusOf } from '@internal/frontend-helpers';
import {
  DeadLetterList,
  DlqApi,
  dlqApiRef,
  QueueBacklogList,
} from '../../api/DlqClient';
import { absolute, ago } from '../format';
import { StateChip, worstState } from '../QueueDepths';

/** One service's dead letters and queues, or why they cannot be shown. */
type Row =
  | {
      entityRef: string;
      deadLetters: DeadLetterList;
      backlog?: QueueBacklogList;
      backlogError?: string;
    }
  | { entityRef: string; none: true }
  | { entityRef: string; error: string };

async function rowOf(api: DlqApi, entityRef: string): Promise<Row> {
  let deadLetters: DeadLetterList;
  try {
    // Counts only matter here: the newest one is enough to read.
    deadLetters = await api.getDeadLetters(entityRef, { limit: 1 });
  } catch (error) {
    // No dead-letter source: nothing to show for that service.
    if (statusOf(error) === 404) return { entityRef, none: true };
    return { entityRef, error: messageOf(error) };
  }
  try {
    return {
      entityRef,
      deadLetters,
      backlog: await api.getBacklog(entityRef),
    };
  } catch (error) {
    return { entityRef, deadLetters, backlogError: messageOf(error) };
  }
}

function entityPath(ref: string): string {
  const { kind, namespace, name } = parseEntityRef(ref);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}`;
}

/** The queues that hold the service's dead letters, or every queue. */
function backlogSummary(row: Extract<Row, { deadLetters: DeadLetterList }>) {
  if (!row.backlog) return undefined;
  const withDeadLetters = new Set(
    row.deadLetters.queues.filter(q => q.depth > 0).map(q => q.queue),
  );
  const queues = row.backlog.queues.filter(
    q => withDeadLetters.size === 0 || withDeadLetters.has(q.queue),
  );
  const sum = (f: (q: (typeof queues)[number]) => number) =>
    queues.reduce((n, q) => n + f(q), 0);
  const oldest = queues
    .map(q => q.oldestWaitingAt)
    .filter((t): t is string => !!t)
    .sort()[0];
  return {
    queues: queues.map(q => q.queue),
    waiting: sum(q => q.waiting),
    inFlight: sum(q => q.inFlight),
    delayed: sum(q => q.delayed),
    oldest,
    scale: queues.filter(q => q.waiting > BACKLOG_SCALE_THRESHOLD),
  };
}

/**
 * For the On call page: the dead letters and queue backlog of each service
 * an alert fires for, next to its alerts. Dramatiq queues are shared and a
 * BullMQ service's are its own; either way the backlog is that of the
 * queues holding the service's dead letters.
 */
export function ServicesQueuesCard(props: { entityRefs: string[] }) {
  const api = useApi(dlqApiRef);
  const key = [...new Set(props.entityRefs)].sort().join(',');
  const { value, loading, retry } = useAsyncRetry(
    () =>
      Promise.all(
        key
          .split(',')
          .filter(Boolean)
          .map(r => rowOf(api, r)),
      ),
    [api, key],
  );
  const rows = (value ?? []).filter(r => !('none' in r));

  let content;
  if (loading && !value) content = <Progress />;
  else if (rows.length === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        None of the alerting services has a dead-letter queue.
      </Typography>
    );
  } else {
    content = (
      <Table
        size="small"
        aria-label="Dead letters and backlog of alerting services"
      >
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            <TableCell>Dead letters</TableCell>
            <TableCell>Queues</TableCell>
            <TableCell align="right">Waiting</TableCell>
            <TableCell align="right">In flight</TableCell>
            <TableCell align="right">Delayed</TableCell>
            <TableCell>Oldest waiting</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(row => {
            const name = parseEntityRef(row.entityRef).name;
            if ('error' in row) {
              return (
                <TableRow key={row.entityRef}>
                  <TableCell>
                    <Link to={entityPath(row.entityRef)}>{name}</Link>
                  </TableCell>
                  <TableCell colSpan={6}>
                    <Typography variant="body2" color="error">
                      {row.error}
                    </Typography>
                  </TableCell>
                </TableRow>
              );
            }
            if (!('deadLetters' in row)) return null;
            const summary = backlogSummary(row);
            return (
              <TableRow key={row.entityRef}>
                <TableCell>
                  <Link to={`${entityPath(row.entityRef)}/dead-letters`}>
                    {name}
                  </Link>
                </TableCell>
                <TableCell>
                  {row.deadLetters.total}{' '}
                  <StateChip state={worstState(row.deadLetters.queues)} />
                </TableCell>
                {summary ? (
                  <>
                    <TableCell>
                      {summary.queues.join(', ')}
                      {summary.scale.length > 0 && (
                        <Typography variant="caption" display="block">
                          scale workers:{' '}
                          {summary.scale.map(q => q.queue).join(', ')}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell align="right">{summary.waiting}</TableCell>
                    <TableCell align="right">{summary.inFlight}</TableCell>
                    <TableCell align="right">{summary.delayed}</TableCell>
                    <TableCell title={absolute(summary.oldest)}>
                      {summary.oldest ? ago(summary.oldest) : '—'}
                    </TableCell>
                  </>
                ) : (
                  <TableCell colSpan={5}>
                    <Typography variant="body2" color="error">
                      Backlog: {row.backlogError}
                    </Typography>
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    );
  }
  return (
    <InfoCard title="Dead letters and backlog of alerting services">
      {content}
      {value && (
        <Button size="small" onClick={retry} disabled={loading}>
          Read again
        </Button>
      )}
    </InfoCard>
  );
}
