import { Fragment, useState } from 'react';
import { DeadLetter } from '@internal/plugin-dlq-common';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import DeleteIcon from '@material-ui/icons/Delete';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowRightIcon from '@material-ui/icons/KeyboardArrowRight';
import ReplayIcon from '@material-ui/icons/Replay';
import { ActionButton, ActionPermission } from '../ActionButton';
import { DeadLetterDetails } from '../DeadLetterDetails';
import { absolute, ago, lastLine, until } from '../format';

const useStyles = makeStyles(theme => ({
  row: { '& > td': { borderBottom: 'unset' } },
  // Short values stay on one line; the last error gives way instead.
  nowrap: { whiteSpace: 'nowrap' },
  error: {
    fontFamily: 'monospace',
    fontSize: theme.typography.pxToRem(12),
    color: theme.palette.text.secondary,
    maxWidth: 340,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  // "Unreadable:" says it; the warning colours are under 4.5:1 as text.
  unreadable: { color: theme.palette.text.primary, fontStyle: 'italic' },
  actions: {
    whiteSpace: 'nowrap',
    '& > * + *': { marginLeft: theme.spacing(1) },
  },
  details: { paddingTop: 0, paddingBottom: 0 },
  head: { '& > th': { whiteSpace: 'nowrap' } },
}));

const rowId = (item: DeadLetter) => `${item.queue}:${item.key}`;

/** How a selected dead letter is remembered (queue and key). */
export const selectionKey = (item: Pick<DeadLetter, 'queue' | 'key'>) =>
  `${item.queue}\n${item.key}`;

/** Newest first, whatever order they came in. */
export function newestFirst(items: DeadLetter[]) {
  return [...items].sort(
    (a, b) => Date.parse(b.deadLetteredAt) - Date.parse(a.deadLetteredAt),
  );
}

function DeadLetterRow(props: {
  item: DeadLetter;
  replay: ActionPermission;
  discard: ActionPermission;
  busy: boolean;
  onReplay: (item: DeadLetter) => void;
  onDiscard: (item: DeadLetter) => void;
  selected?: Set<string>;
  onSelect?: (item: DeadLetter, selected: boolean) => void;
}) {
  const { item, replay, discard, busy, selected, onSelect } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const name = `${item.actor ?? 'unreadable entry'} ${
    item.messageId ?? item.key
  }`;
  const error = item.unreadable
    ? `Unreadable: ${item.unreadable}`
    : lastLine(item.traceback);

  return (
    <Fragment>
      <TableRow className={classes.row}>
        <TableCell padding="checkbox" className={classes.nowrap}>
          {onSelect && (
            <Checkbox
              size="small"
              checked={selected?.has(selectionKey(item)) ?? false}
              onChange={(_, checked) => onSelect(item, checked)}
              inputProps={{ 'aria-label': `Select ${name}` }}
            />
          )}
          <IconButton
            size="small"
            aria-label={`${open ? 'Hide' : 'Show'} details of ${name}`}
            aria-expanded={open}
            onClick={() => setOpen(o => !o)}
          >
            {open ? <KeyboardArrowDownIcon /> : <KeyboardArrowRightIcon />}
          </IconButton>
        </TableCell>
        <TableCell
          className={classes.nowrap}
          title={absolute(item.deadLetteredAt)}
        >
          {ago(item.deadLetteredAt)}
        </TableCell>
        <TableCell className={classes.nowrap}>{item.queue}</TableCell>
        <TableCell>
          <div className={classes.nowrap}>{item.actor ?? '—'}</div>
          <div
            className={`${classes.error} ${
              item.unreadable ? classes.unreadable : ''
            }`}
            title={error}
          >
            {error || '—'}
          </div>
        </TableCell>
        <TableCell align="right">
          {item.attempts ?? item.retries ?? '—'}
        </TableCell>
        <TableCell className={classes.nowrap} title={absolute(item.expiresAt)}>
          {until(item.expiresAt)}
        </TableCell>
        <TableCell className={classes.actions}>
          {!item.unreadable && (
            <ActionButton
              permission={replay}
              busy={busy}
              label="Replay"
              ariaLabel={`Replay ${name}`}
              icon={<ReplayIcon />}
              onClick={() => props.onReplay(item)}
            />
          )}
          <ActionButton
            permission={discard}
            busy={busy}
            label="Discard"
            ariaLabel={`Discard ${name}`}
            icon={<DeleteIcon />}
            onClick={() => props.onDiscard(item)}
          />
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell className={classes.details} colSpan={7}>
          <Collapse in={open} timeout="auto" unmountOnExit>
            <Box px={2}>
              <DeadLetterDetails item={item} label={`Details of ${name}`} />
            </Box>
          </Collapse>
        </TableCell>
      </TableRow>
    </Fragment>
  );
}

/**
 * The dead letters, newest first; a row opens on its details. Replay and
 * discard act on one message at a time.
 */
export function DeadLetterTable(props: {
  items: DeadLetter[];
  replay: ActionPermission;
  discard: ActionPermission;
  busy: boolean;
  onReplay: (item: DeadLetter) => void;
  onDiscard: (item: DeadLetter) => void;
  /** With these, each row has a checkbox (bulk actions). */
  selected?: Set<string>;
  onSelect?: (item: DeadLetter, selected: boolean) => void;
}) {
  const { items, ...rest } = props;
  const classes = useStyles();
  return (
    <Box overflow="auto">
      <Table size="small" aria-label="Dead-lettered tasks">
        <TableHead>
          <TableRow className={classes.head}>
            <TableCell padding="checkbox" />
            <TableCell>Dead-lettered</TableCell>
            <TableCell>Queue</TableCell>
            <TableCell>Actor and last error</TableCell>
            <TableCell align="right">Attempts</TableCell>
            <TableCell>Expires</TableCell>
            <TableCell>Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {newestFirst(items).map(item => (
            <DeadLetterRow key={rowId(item)} item={item} {...rest} />
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
