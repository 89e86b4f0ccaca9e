import { ResponseErrorPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { messageOf, statusOf } from '../format';

/**
 * Why the template upgrades could not be read. A 503 (a repository or the
 * backend's store cannot be read) or a 403 (not allowed) is said plainly,
 * with the backend's words; other failures get the full error panel. With
 * `retry`, a button to try again.
 */
export function LoadError(props: {
  error: Error;
  what?: string;
  retry?: () => void;
}) {
  const { error, what = 'Template upgrades', retry } = props;
  const again = retry && (
    <Button
      variant="outlined"
      size="small"
      onClick={() => retry()}
      style={{ marginTop: 8 }}
    >
      Try again
    </Button>
  );
  const status = statusOf(error);
  if (status === 503 || status === 403) {
    return (
      <>
        <Alert severity="warning">
          <AlertTitle>
            {status === 403
              ? `You are not allowed to read ${what.toLocaleLowerCase('en-US')}`
              : `${what} cannot be read right now`}
          </AlertTitle>
          {messageOf(error)}
        </Alert>
        {again}
      </>
    );
  }
  return (
    <>
      <ResponseErrorPanel error={error} title={messageOf(error)} />
      {again}
    </>
  );
}
