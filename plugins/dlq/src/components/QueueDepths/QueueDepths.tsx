import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { DeadLetterList } from '@internal/plugin-dlq-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { absolute, ago } from '../format';
import {
  byPriority,
  QueueState,
  queueState,
  TICKET_THRESHOLD,
  worstState,
} from './queueState';

/**
 * What pages someone: white on a dark red, 6.6:1 (the theme's error colour
 * gives white text 3.7:1, under the 4.5:1 text needs). The label says it too.
 */
const PAGE_COLORS = { backgroundColor: '#B71C1C', color: '#FFFFFF' };

// Doubled classes: they win over the Chip's own colours whatever the order
// the style sheets load in.
const useStyles = makeStyles(theme => ({
  page: { '&&': PAGE_COLORS },
  ticket: {
    '&&': {
      backgroundColor: theme.palette.warning.main,
      color: theme.palette.warning.contrastText,
    },
  },
  watch: {},
  ok: {
    '&&': {
      backgroundColor: theme.palette.success.main,
      color: theme.palette.success.contrastText,
    },
  },
  headline: { display: 'flex', alignItems: 'center', gap: theme.spacing(1) },
}));

const LABELS: Record<QueueState, string> = {
  page: 'page',
  ticket: 'ticket',
  watch: 'classify',
  ok: 'ok',
};

const HEADLINES: Record<QueueState, string> = {
  page: 'A critical task has given up (ledger rollback or fraud alert): this pages the on-call.',
  ticket: `More than ${TICKET_THRESHOLD} dead letters on a queue: investigate now.`,
  watch:
    'Classify each dead letter: replay, discard with a reason, or leave it.',
  ok: 'No dead letters',
};

function StateIcon({ state }: { state: QueueState }) {
  switch (state) {
    case 'page':
      return <StatusError />;
    case 'ticket':
      return <StatusWarning />;
    case 'watch':
      return <StatusPending />;
    default:
      return <StatusOK />;
  }
}

export function StateChip({ state }: { state: QueueState }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={LABELS[state]}
      className={classes[state]}
      data-state={state}
    />
  );
}

const plural = (n: number) => `${n} dead letter${n === 1 ? '' : 's'}`;

/**
 * The total, what it means against the alert rules, and the depth and
 * oldest entry of each queue.
 */
export function QueueDepths(props: { list: DeadLetterList }) {
  const { list } = props;
  const classes = useStyles();
  const queues = byPriority(list.queues);
  const worst = worstState(queues);

  return (
    <Box>
      <Box className={classes.headline} mb={1}>
        <StateIcon state={worst} />
        <Typography variant="h6" component="p">
          {list.total === 0 ? 'No dead letters' : plural(list.total)}
        </Typography>
        <StateChip state={worst} />
      </Box>
      <Typography variant="body2" color="textSecondary" paragraph>
        {worst === 'ok'
          ? `Nothing has exhausted its retries (${list.source}).`
          : HEADLINES[worst]}
      </Typography>
      {queues.length > 0 && (
        <Table size="small" aria-label="Dead letters per queue">
          <TableHead>
            <TableRow>
              <TableCell>Queue</TableCell>
              <TableCell align="right">Dead letters</TableCell>
              <TableCell>Oldest</TableCell>
              <TableCell>State</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {queues.map(q => {
              const state = queueState(q);
              return (
                <TableRow key={q.queue}>
                  <TableCell>
                    <Box display="flex" alignItems="center" gridGap={8}>
                      <StateIcon state={state} />
                      {q.queue}
                    </Box>
                  </TableCell>
                  <TableCell align="right">{q.depth}</TableCell>
                  <TableCell title={absolute(q.oldestDeadLetteredAt)}>
                    {q.depth > 0 ? ago(q.oldestDeadLetteredAt) : '—'}
                  </TableCell>
                  <TableCell>
                    <StateChip state={state} />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
