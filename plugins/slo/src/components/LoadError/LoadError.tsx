import { ResponseErrorPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';

/**
 * The backend's own words, when it answered: they name what failed and what
 * to do ("Prometheus 'prod' did not answer within 5 s: …", with a request
 * id), where the bare error says "Request failed with 503".
 */
export function messageOf(error: Error): string {
  const cause = (error as { cause?: { message?: unknown } }).cause;
  return error.name === 'ResponseError' && typeof cause?.message === 'string'
    ? cause.message
    : error.message;
}

/** A failed load: what the backend said, in full, and a way to try again. */
export function LoadError(props: { error: Error; retry?: () => void }) {
  const { error, retry } = props;
  return (
    <>
      <ResponseErrorPanel error={error} title={messageOf(error)} />
      {retry && (
        <Button
          variant="outlined"
          size="small"
          onClick={() => retry()}
          style={{ marginTop: 8 }}
        >
          Try again
        </Button>
      )}
    </>
  );
}
