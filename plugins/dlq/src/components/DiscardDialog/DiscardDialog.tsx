import { FormEvent, useEffect, useState } from 'react';
import { DeadLetter, discardRequestSchema } from '@internal/plugin-dlq-common';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { ConfirmActions } from '../ConfirmActions';
import { useLastDefined } from '../useLastDefined';
import { describe } from '../describe';

const HINT =
  'Write it for someone reading the audit trail months later, e.g. "wallet erased (GDPR erasure 2026-11-12), nothing to update".';

const useStyles = makeStyles(theme => ({
  // The refused reason's label and message in the theme's error text
  // colour, 6:1 on white (palette.error.main gives text 3.7:1).
  reason: {
    '& .MuiFormLabel-root.Mui-error, & .MuiFormHelperText-root.Mui-error': {
      color: theme.palette.errorText,
    },
  },
}));

/**
 * Asks for the reason of a discard, checked here (the same rule as the
 * backend's) before anything is sent.
 */
export function DiscardDialog(props: {
  /** The dead letter to discard; the dialog is open while it is set. */
  item?: DeadLetter;
  busy: boolean;
  error?: string;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
}) {
  const { busy, error, onCancel, onConfirm } = props;
  const classes = useStyles();
  const item = useLastDefined(props.item);
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState<string>();

  // A new dead letter, a new reason.
  useEffect(() => {
    setReason('');
    setInvalid(undefined);
  }, [props.item?.queue, props.item?.key]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const parsed = discardRequestSchema.shape.reason.safeParse(reason);
    if (!parsed.success) {
      setInvalid(parsed.error.issues[0]?.message ?? 'give a reason');
      return;
    }
    setInvalid(undefined);
    onConfirm(parsed.data);
  };

  return (
    <Dialog
      open={Boolean(props.item)}
      onClose={busy ? undefined : onCancel}
      aria-labelledby="dlq-discard-title"
      data-testid="dlq-discard-dialog"
      maxWidth="sm"
      fullWidth
    >
      <form onSubmit={submit} noValidate>
        <DialogTitle id="dlq-discard-title">
          Discard this dead letter?
        </DialogTitle>
        {item && (
          <DialogContent>
            <DialogContentText>
              {describe(item)} is removed from queue {item.queue} for good: it
              cannot be replayed afterwards. The archive keeps its metadata, and
              the portal records who discarded it, when and why.
            </DialogContentText>
            <TextField
              id="dlq-discard-reason"
              label="Reason"
              value={reason}
              onChange={e => {
                setReason(e.target.value);
                if (invalid) setInvalid(undefined);
              }}
              error={Boolean(invalid)}
              className={classes.reason}
              helperText={invalid ?? HINT}
              required
              multiline
              minRows={2}
              fullWidth
              variant="outlined"
              disabled={busy}
              inputProps={{ maxLength: 500 }}
            />
            {error && (
              <Alert severity="error" style={{ marginTop: 16 }}>
                {error}
              </Alert>
            )}
          </DialogContent>
        )}
        <ConfirmActions
          busy={busy}
          label="Discard"
          busyLabel="Discarding…"
          color="secondary"
          onCancel={onCancel}
        />
      </form>
    </Dialog>
  );
}
