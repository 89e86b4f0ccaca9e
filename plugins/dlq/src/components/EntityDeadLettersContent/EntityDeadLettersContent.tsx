import { useCallback, useRef, useState } from 'react';
import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  DeadLetter,
  dlqMessageDiscardPermission,
  dlqMessageReplayPermission,
  dlqMessageRevealPermission,
} from '@internal/plugin-dlq-common';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dlqApiRef } from '../../api/DlqClient';
import { ActionPermission } from '../ActionButton';
import { DeadLetterTable } from '../DeadLetterTable';
import { describe } from '../describe';
import { DiscardDialog } from '../DiscardDialog';
import { messageOf, statusOf } from '../format';
import { LoadError } from '../LoadError';
import { QueueBacklogTable } from '../QueueBacklog';
import { QueueDepths } from '../QueueDepths';
import { RecentActions } from '../RecentActions';
import { ReplayDialog } from '../ReplayDialog';

type Pending = { action: 'replay' | 'discard'; item: DeadLetter };
type Notice = { severity: 'success' | 'info'; text: string };

function usePermissionOf(
  permission:
    | typeof dlqMessageReplayPermission
    | typeof dlqMessageDiscardPermission,
): ActionPermission {
  const { loading, allowed } = usePermission({ permission });
  return { loading, allowed, name: permission.name };
}

/**
 * The dead-letter tab: queue depths, every dead letter with its details,
 * replay and discard one at a time, and the recent actions.
 */
export function EntityDeadLettersContent() {
  const { entity } = useEntity();
  const api = useApi(dlqApiRef);
  const entityRef = stringifyEntityRef(entity);
  const replay = usePermissionOf(dlqMessageReplayPermission);
  const discard = usePermissionOf(dlqMessageDiscardPermission);
  const mayReveal = usePermission({
    permission: dlqMessageRevealPermission,
  }).allowed;
  const [reveal, setReveal] = useState(false);

  const list = useAsyncRetry(
    () => api.getDeadLetters(entityRef, { reveal }),
    [api, entityRef, reveal],
  );
  const actions = useAsyncRetry(
    () => api.getActions(entityRef),
    [api, entityRef],
  );
  const backlog = useAsyncRetry(
    () => api.getBacklog(entityRef),
    [api, entityRef],
  );
  const { retry: retryList } = list;
  const { retry: retryActions } = actions;
  const { retry: retryBacklog } = backlog;
  const refresh = useCallback(() => {
    retryList();
    retryActions();
    retryBacklog();
  }, [retryList, retryActions, retryBacklog]);

  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const [dialogError, setDialogError] = useState<string>();
  const [notice, setNotice] = useState<Notice>();

  const open = (action: Pending['action']) => (item: DeadLetter) => {
    setDialogError(undefined);
    setPending({ action, item });
  };
  const close = () => {
    if (!inFlight.current) setPending(undefined);
  };

  const run = async (reason?: string) => {
    if (!pending || inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setDialogError(undefined);
    const { action, item } = pending;
    const target = { entityRef, queue: item.queue, key: item.key };
    try {
      if (action === 'replay') {
        const done = await api.replay(target);
        setNotice({
          severity: 'success',
          text: `Replayed ${describe(done)} to queue ${
            done.queue
          }. Watch it succeed before replaying the others.`,
        });
      } else {
        const done = await api.discard({ ...target, reason: reason ?? '' });
        setNotice({
          severity: 'success',
          text: `Discarded ${describe(done)} from queue ${
            done.queue
          }. The reason is in the recent actions.`,
        });
      }
      setPending(undefined);
      refresh();
    } catch (e) {
      const status = statusOf(e);
      if (status === 404) {
        setNotice({
          severity: 'info',
          text: `${describe(
            item,
          )} was already replayed or discarded by someone else. The list has been refreshed.`,
        });
        setPending(undefined);
        refresh();
      } else if (status === 403) {
        setDialogError(
          `You are not allowed to ${action} dead letters: ${messageOf(e)}`,
        );
      } else {
        setDialogError(messageOf(e));
      }
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const denied = [replay, discard].filter(p => !p.loading && !p.allowed);

  let deadLetters;
  if (list.error) {
    deadLetters = <LoadError error={list.error} />;
  } else if (!list.value) {
    deadLetters = <Progress />;
  } else {
    const { value } = list;
    deadLetters =
      value.total === 0 && value.items.length === 0 ? (
        <EmptyState
          missing="data"
          title="No dead letters"
          description={`No task has exhausted its retries (${value.source}), or every dead letter has been replayed or discarded.`}
        />
      ) : (
        <>
          <QueueDepths list={value} />
          {value.payloads === 'hidden' && (
            <Box mt={2}>
              <Alert severity="info">{value.hiddenBecause}</Alert>
            </Box>
          )}
          {value.payloads !== 'hidden' && mayReveal && (
            <Box mt={2}>
              <FormControlLabel
                control={
                  <Switch
                    checked={reveal}
                    onChange={(_, checked) => setReveal(checked)}
                    color="primary"
                  />
                }
                label="Show e-mail addresses, phone numbers, IBANs and secrets unmasked (each read is audited; card numbers stay masked)"
              />
            </Box>
          )}
          {value.items.length > 0 && (
            <Box mt={3}>
              {denied.length > 0 && (
                <Typography variant="body2" color="textSecondary" paragraph>
                  You can view dead letters. Replay and discard need the on-call
                  role ({denied.map(p => p.name).join(', ')}).
                </Typography>
              )}
              {value.total > value.items.length && (
                <Typography variant="body2" color="textSecondary" paragraph>
                  Showing the newest {value.items.length} of {value.total}.
                </Typography>
              )}
              <DeadLetterTable
                items={value.items}
                replay={replay}
                discard={discard}
                busy={busy}
                onReplay={open('replay')}
                onDiscard={open('discard')}
              />
            </Box>
          )}
        </>
      );
  }

  return (
    <Grid container spacing={3} data-testid="dead-letters-tab">
      <Grid item xs={12}>
        <InfoCard title="Dead letters" subheader={list.value?.source}>
          {notice && (
            <Box mb={2}>
              <Alert
                severity={notice.severity}
                onClose={() => setNotice(undefined)}
              >
                {notice.text}
              </Alert>
            </Box>
          )}
          {deadLetters}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Queue backlog">
          {backlog.error && (
            <LoadError error={backlog.error} retry={backlog.retry} />
          )}
          {!backlog.error && !backlog.value && <Progress />}
          {!backlog.error && backlog.value && (
            <QueueBacklogTable backlog={backlog.value} />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Recent actions">
          <RecentActions
            value={actions.value}
            loading={actions.loading}
            error={actions.error}
          />
        </InfoCard>
      </Grid>
      <ReplayDialog
        item={pending?.action === 'replay' ? pending.item : undefined}
        busy={busy}
        error={dialogError}
        onCancel={close}
        onConfirm={() => run()}
      />
      <DiscardDialog
        item={pending?.action === 'discard' ? pending.item : undefined}
        busy={busy}
        error={dialogError}
        onCancel={close}
        onConfirm={reason => run(reason)}
      />
    </Grid>
  );
}
