import { Progress } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { DeadLetterAction } from '@internal/plugin-dlq-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { LoadError } from '@internal/frontend-helpers';
import { absolute, ago } from '../format';

const useStyles = makeStyles(theme => ({
  // Short values on one line; the reason wraps instead.
  nowrap: { whiteSpace: 'nowrap' },
  head: { '& > th': { whiteSpace: 'nowrap' } },
  // A failed or unfinished action: the theme's error text colour, 6:1 on
  // white (the secondary colour gives 4.2:1, under the 4.5:1 text needs).
  attention: {
    '&&': {
      color: theme.palette.errorText,
      borderColor: theme.palette.errorText,
    },
  },
}));

/** "replayed", "discard failed", "replay pending". */
function label(a: DeadLetterAction) {
  if (a.outcome === 'failed') return `${a.action} failed`;
  if (a.outcome === 'pending') return `${a.action} pending`;
  return a.action === 'replay' ? 'replayed' : 'discarded';
}

const PENDING_TITLE =
  'Started, but how it ended was not recorded: check the dead letter before acting again';

/** The audit trail: who replayed or discarded what, when and why. */
export function RecentActions(props: {
  value?: DeadLetterAction[];
  loading: boolean;
  error?: Error;
}) {
  const { value, loading, error } = props;
  const classes = useStyles();
  if (error) {
    return <LoadError error={error} what="Recent actions" plainly={[503]} />;
  }
  if (!value) return loading ? <Progress /> : null;
  if (value.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No replays or discards yet.
      </Typography>
    );
  }
  const actions = [...value].sort(
    (a, b) => Date.parse(b.at) - Date.parse(a.at),
  );
  return (
    <Box overflow="auto">
      <Table size="small" aria-label="Recent actions">
        <TableHead>
          <TableRow className={classes.head}>
            <TableCell>When</TableCell>
            <TableCell>Who</TableCell>
            <TableCell>Action</TableCell>
            <TableCell>Actor</TableCell>
            <TableCell>Queue</TableCell>
            <TableCell>Message id</TableCell>
            <TableCell>Reason</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {actions.map(a => (
            <TableRow key={a.id}>
              <TableCell className={classes.nowrap} title={absolute(a.at)}>
                {ago(a.at)}
              </TableCell>
              <TableCell className={classes.nowrap}>
                <EntityRefLink entityRef={a.by} defaultKind="user" />
              </TableCell>
              <TableCell>
                <Chip
                  size="small"
                  variant="outlined"
                  className={
                    a.outcome === 'done' ? undefined : classes.attention
                  }
                  label={label(a)}
                  title={a.outcome === 'pending' ? PENDING_TITLE : undefined}
                />
                {a.outcome === 'failed' && a.error && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    display="block"
                  >
                    {a.error}
                  </Typography>
                )}
              </TableCell>
              <TableCell className={classes.nowrap}>{a.actor ?? '—'}</TableCell>
              <TableCell className={classes.nowrap}>{a.queue}</TableCell>
              <TableCell>
                <code>{a.messageId ?? a.key}</code>
              </TableCell>
              <TableCell>{a.reason ?? '—'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
