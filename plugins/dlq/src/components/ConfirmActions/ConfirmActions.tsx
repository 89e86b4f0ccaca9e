import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import DialogActions from '@material-ui/core/DialogActions';

/**
 * Cancel and the confirming button of the replay and discard dialogs: both
 * disabled while the request runs, the confirming one showing progress so
 * it cannot be sent twice.
 */
export function ConfirmActions(props: {
  busy: boolean;
  label: string;
  busyLabel: string;
  color: 'primary' | 'secondary';
  onCancel: () => void;
  /** Omitted for a form's submit button. */
  onConfirm?: () => void;
}) {
  const { busy, label, busyLabel, color, onCancel, onConfirm } = props;
  return (
    <DialogActions>
      <Button onClick={onCancel} disabled={busy}>
        Cancel
      </Button>
      <Button
        type={onConfirm ? 'button' : 'submit'}
        onClick={onConfirm}
        disabled={busy}
        color={color}
        variant="contained"
        startIcon={
          busy ? <CircularProgress size={16} color="inherit" /> : undefined
        }
      >
        {busy ? busyLabel : label}
      </Button>
    </DialogActions>
  );
}
