import { DeadLetter } from '@internal/plugin-dlq-common';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { ConfirmActions } from '../ConfirmActions';
import { useLastDefined } from '../useLastDefined';

/**
 * Asks before a replay: what goes back on which queue, and the runbook's
 * two rules (fix the cause first, replay one message first).
 */
export function ReplayDialog(props: {
  /** The dead letter to replay; the dialog is open while it is set. */
  item?: DeadLetter;
  busy: boolean;
  error?: string;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { busy, error, onCancel, onConfirm } = props;
  const item = useLastDefined(props.item);
  return (
    <Dialog
      open={Boolean(props.item)}
      onClose={busy ? undefined : onCancel}
      aria-labelledby="dlq-replay-title"
      data-testid="dlq-replay-dialog"
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id="dlq-replay-title">Replay this dead letter?</DialogTitle>
      {item && (
        <DialogContent>
          <DialogContentText>
            Actor <strong>{item.actor}</strong> goes back on queue{' '}
            <strong>{item.queue}</strong>, with its retries reset and the same
            message id <code>{item.messageId ?? item.key}</code>, so logs,
            traces and the audit trail line up.
          </DialogContentText>
          <Alert severity="warning">
            Replay only once the cause is fixed: the dependency is healthy
            again, or the fix is deployed. Replay one message first and watch it
            succeed before replaying the others.
          </Alert>
          {error && (
            <Alert severity="error" style={{ marginTop: 16 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
      )}
      <ConfirmActions
        busy={busy}
        label="Replay"
        busyLabel="Replaying…"
        color="primary"
        onCancel={onCancel}
        onConfirm={onConfirm}
      />
    </Dialog>
  );
}
