import { ResponseErrorPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { messageOf, statusOf } from '../errors/errors';

/**
 * The statuses a load error says plainly unless told otherwise: the backend
 * cannot read what it depends on (503), the user may not read it (403).
 */
export const PLAIN_STATUSES: readonly number[] = [503, 403];

export interface LoadErrorProps {
  error: Error;
  /**
   * What could not be read, as a title starts: "Policy reports", "The
   * trend". Without it, every failure gets the full error panel.
   */
  what?: string;
  /**
   * The HTTP statuses said plainly, in a warning with the backend's words
   * (`PLAIN_STATUSES` by default); any other failure gets the full error
   * panel.
   */
  plainly?: readonly number[];
  /** With it, a button to try again. */
  retry?: () => void;
}

/**
 * Why something could not be read. With `what`, a failure the backend
 * explains (a 503: a database or cluster it cannot reach; a 403: not
 * allowed) is said plainly, in the backend's words; any other failure gets
 * the full error panel, titled with what the backend said. With `retry`, a
 * button to try again.
 */
export function LoadError(props: LoadErrorProps) {
  const { error, what, plainly = PLAIN_STATUSES, retry } = props;
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
  if (what !== undefined && status !== undefined && plainly.includes(status)) {
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
