import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { BulkJob } from '@internal/plugin-dlq-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { messageOf } from '@internal/frontend-helpers';
import { dlqApiRef } from '../../api/DlqClient';
import { absolute, ago } from '../format';

/** What a bulk action will act on, as the dialog says it. */
export type BulkTarget = {
  action: 'replay' | 'discard';
  /** "the 3 selected dead letters", "all 1,204 dead letters matching the filters" */
  what: string;
};

/** Confirms a bulk replay or discard: its pace, and for a discard the reason. */
export function BulkDialog(props: {
  target?: BulkTarget;
  defaultRate: number;
  busy: boolean;
  error?: string;
  onCancel: () => void;
  onConfirm: (ratePerSecond: number, reason?: string) => void;
}) {
  const { target } = props;
  const [rate, setRate] = useState(String(props.defaultRate));
  const [reason, setReason] = useState('');
  useEffect(() => {
    setRate(String(props.defaultRate));
    setReason('');
  }, [target, props.defaultRate]);
  const rateValue = Number(rate);
  const rateOk = /^\d+$/.test(rate) && rateValue >= 1;
  const reasonOk = target?.action !== 'discard' || reason.trim().length >= 10;
  const verb = target?.action === 'discard' ? 'Discard' : 'Replay';
  return (
    <Dialog
      open={Boolean(target)}
      onClose={props.onCancel}
      aria-labelledby="dlq-bulk-title"
      data-testid="dlq-bulk-dialog"
    >
      <DialogTitle id="dlq-bulk-title">
        {verb} {target?.what}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          {target?.action === 'discard'
            ? 'Discarded tasks never run. Each one is kept in the recent actions with your reason.'
            : 'Each task goes back on its queue with its retries reset, at a steady pace so that the workers and Valkey keep up. Replay a few first if the cause may not be fixed.'}{' '}
          You can cancel it while it runs: what moved stays moved.
        </Typography>
        <TextField
          id="dlq-bulk-rate"
          label="Dead letters per second"
          value={rate}
          onChange={e => setRate(e.target.value)}
          error={!rateOk}
          helperText={rateOk ? ' ' : 'A whole number, at least 1'}
          inputProps={{ inputMode: 'numeric' }}
        />
        {target?.action === 'discard' && (
          <TextField
            id="dlq-bulk-reason"
            label="Reason"
            value={reason}
            onChange={e => setReason(e.target.value)}
            fullWidth
            multiline
            minRows={2}
            helperText="At least 10 characters: someone reads it months later."
          />
        )}
        {props.error && (
          <Box mt={2}>
            <Alert severity="error">{props.error}</Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          disabled={props.busy || !rateOk || !reasonOk}
          onClick={() =>
            props.onConfirm(
              rateValue,
              target?.action === 'discard' ? reason.trim() : undefined,
            )
          }
        >
          {verb} at {rateOk ? rateValue : '…'}/s
        </Button>
      </DialogActions>
    </Dialog>
  );
}

const STATE_LABELS: Record<BulkJob['state'], string> = {
  running: 'running',
  done: 'done',
  cancelled: 'cancelled',
  failed: 'stopped on failures',
  interrupted: 'interrupted (backend restarted)',
};

function Progress({ job }: { job: BulkJob }) {
  const handled = job.done + job.skipped + job.failed;
  const value =
    job.total && job.total > 0
      ? Math.min(100, (100 * handled) / job.total)
      : undefined;
  return (
    <Box minWidth={180}>
      <LinearProgress
        variant={value === undefined ? 'indeterminate' : 'determinate'}
        value={value}
        aria-label={`Progress of bulk ${job.action} ${job.id}`}
      />
      <Typography variant="caption" display="block">
        {job.done} {job.action === 'replay' ? 'replayed' : 'discarded'}
        {job.total !== undefined &&
          ` of ${job.totalExact ? '' : 'at least '}${job.total}`}
        {job.skipped > 0 && `, ${job.skipped} already gone`}
        {job.failed > 0 && `, ${job.failed} failed`}
      </Typography>
      {job.lastError && (
        <Typography variant="caption" display="block">
          Last error: {job.lastError}
        </Typography>
      )}
    </Box>
  );
}

/**
 * The entity's bulk jobs with their progress, asked again every second
 * while one runs; `onFinished` when one ends (the list has changed).
 */
export function BulkJobsPanel(props: {
  entityRef: string;
  /** Changes when a job was started here: read again now. */
  version: number;
  mayCancel: (job: BulkJob) => boolean;
  onFinished: () => void;
}) {
  const api = useApi(dlqApiRef);
  const { entityRef, version, onFinished } = props;
  const [jobs, setJobs] = useState<BulkJob[]>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    api.getBulkJobs(entityRef).then(
      next => {
        if (!live) return;
        setError(undefined);
        setJobs(prev => {
          // A job seen running (or new since the first read) that has
          // ended: the dead letters have changed.
          if (prev) {
            const before = new Map(prev.map(j => [j.id, j.state]));
            if (
              next.some(
                j =>
                  j.state !== 'running' &&
                  (before.get(j.id) ?? 'running') === 'running',
              )
            ) {
              onFinished();
            }
          }
          return next;
        });
      },
      e => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [api, entityRef, version, tick, onFinished]);

  const running = (jobs ?? []).some(j => j.state === 'running');
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => setTick(t => t + 1), 1000);
    return () => clearInterval(timer);
  }, [running]);

  const cancel = async (job: BulkJob) => {
    try {
      await api.cancelBulkJob(job.id);
    } catch (e) {
      setError(messageOf(e));
    }
    setTick(t => t + 1);
  };

  if (error) return <Alert severity="error">{error}</Alert>;
  if (!jobs) return null;
  if (jobs.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No bulk replay or discard yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Bulk replays and discards">
      <TableHead>
        <TableRow>
          <TableCell>Started</TableCell>
          <TableCell>Action</TableCell>
          <TableCell>By</TableCell>
          <TableCell>Progress</TableCell>
          <TableCell>State</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {jobs.map(job => (
          <TableRow key={job.id}>
            <TableCell title={absolute(job.startedAt)}>
              {ago(job.startedAt)}
            </TableCell>
            <TableCell>
              {job.action} at {job.ratePerSecond}/s
            </TableCell>
            <TableCell>{job.by.replace(/^user:/, '')}</TableCell>
            <TableCell>
              <Progress job={job} />
            </TableCell>
            <TableCell>
              {STATE_LABELS[job.state]}
              {job.cancelledBy &&
                ` by ${job.cancelledBy.replace(/^user:/, '')}`}
            </TableCell>
            <TableCell>
              {job.state === 'running' && props.mayCancel(job) && (
                <Button size="small" onClick={() => cancel(job)}>
                  Cancel
                </Button>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
