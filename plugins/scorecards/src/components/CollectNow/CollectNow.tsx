import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CollectionInfo,
  scorecardsRefreshPermission,
} from '@internal/plugin-scorecards-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import { useRef, useState } from 'react';
import { messageOf, statusOf } from '@internal/frontend-helpers';
import { scorecardsApiRef } from '../../api/ScorecardsClient';
import { duration, plural } from '../format';

/**
 * "Collect now", for those allowed to (platform admins): reads every
 * service's facts again instead of waiting for the schedule, then lets the
 * page load the new scores. Others do not see it at all: they cannot use
 * it, and the schedule does it for them.
 */
export function CollectNow(props: {
  onCollected: (info: CollectionInfo) => void;
}) {
  const { onCollected } = props;
  const api = useApi(scorecardsApiRef);
  const { loading: checking, allowed } = usePermission({
    permission: scorecardsRefreshPermission,
  });
  const [busy, setBusy] = useState(false);
  // A double click must not start two collections.
  const inFlight = useRef(false);
  const [done, setDone] = useState<string>();
  const [failure, setFailure] = useState<string>();

  if (checking || !allowed) return null;

  const collect = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setDone(undefined);
    setFailure(undefined);
    try {
      const info = await api.refresh();
      setDone(
        `Collected ${plural(info.services, 'service')} in ${duration(
          info.durationMs,
        )}.`,
      );
      onCollected(info);
    } catch (e) {
      setFailure(
        statusOf(e) === 403
          ? `You are not allowed to collect now: ${messageOf(e)}`
          : `The collection failed: ${messageOf(e)}`,
      );
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  return (
    <Box data-testid="scorecards-collect-now">
      <Button
        variant="contained"
        color="primary"
        startIcon={<RefreshIcon />}
        disabled={busy}
        onClick={collect}
      >
        {busy ? 'Collecting…' : 'Collect now'}
      </Button>
      {done && (
        <Box mt={2}>
          <Alert severity="success" onClose={() => setDone(undefined)}>
            {done}
          </Alert>
        </Box>
      )}
      {failure && (
        <Box mt={2}>
          <Alert severity="error">{failure}</Alert>
        </Box>
      )}
    </Box>
  );
}
