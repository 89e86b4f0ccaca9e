import { ResponseErrorPanel } from '@backstage/core-components';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { messageOf, statusOf } from '../format';

/**
 * Why the dead letters could not be read. A 503 (Valkey unreachable, or dead
 * letters not configured) is said plainly, with the backend's words; other
 * failures get the full error panel.
 */
export function LoadError(props: { error: Error; what?: string }) {
  const { error, what = 'Dead letters' } = props;
  if (statusOf(error) === 503) {
    return (
      <Alert severity="warning">
        <AlertTitle>{what} cannot be read right now</AlertTitle>
        {messageOf(error)}
      </Alert>
    );
  }
  return <ResponseErrorPanel error={error} />;
}
