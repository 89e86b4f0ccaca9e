import { useCallback, useRef, useState } from 'react';
import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  BulkJob,
  DeadLetter,
  DeadLetterFilter,
  dlqMessageDiscardPermission,
  dlqMessageReplayPermission,
  dlqMessageRevealPermission,
} from '@internal/plugin-dlq-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError, messageOf, statusOf } from '@internal/frontend-helpers';
import { dlqApiRef } from '../../api/DlqClient';
import { ActionPermission } from '../ActionButton';
import { BulkDialog, BulkJobsPanel, BulkTarget } from '../BulkJobs';
import { DeadLetterFilters } from '../DeadLetterFilters';
import { DeadLetterTable, selectionKey } from '../DeadLetterTable';
import { describe } from '../describe';
import { DiscardDialog } from '../DiscardDialog';
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

/** The pace a bulk action starts with (the backend's default is the same). */
const DEFAULT_BULK_RATE = 50;

/**
 * The dead-letter tab: queue depths and backlog, the dead letters with
 * their details (filtered, a page at a time), replay and discard one at a
 * time or in bulk, the bulk jobs' progress, and the recent actions.
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
  const [filter, setFilter] = useState<DeadLetterFilter>({});
  // The cursors of the pages seen: back is the previous one.
  const [pages, setPages] = useState<Array<string | undefined>>([undefined]);
  const cursor = pages[pages.length - 1];
  const [selected, setSelected] = useState<Set<string>>(new Set());

  const list = useAsyncRetry(
    () => api.getDeadLetters(entityRef, { reveal, ...filter, cursor }),
    [api, entityRef, reveal, filter, cursor],
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

  const [notice, setNotice] = useState<Notice>();
  const applyFilter = (next: DeadLetterFilter) => {
    setFilter(next);
    setPages([undefined]);
    setSelected(new Set());
  };
  const select = (item: DeadLetter, on: boolean) =>
    setSelected(prev => {
      const next = new Set(prev);
      if (on) next.add(selectionKey(item));
      else next.delete(selectionKey(item));
      return next;
    });

  // Bulk: what the dialog is about, and the jobs panel's version.
  const [bulk, setBulk] = useState<
    BulkTarget & { selection: 'selected' | 'matching' }
  >();
  const [bulkBusy, setBulkBusy] = useState(false);
  const [bulkError, setBulkError] = useState<string>();
  const [jobsVersion, setJobsVersion] = useState(0);
  const runBulk = async (ratePerSecond: number, reason?: string) => {
    if (!bulk) return;
    setBulkBusy(true);
    setBulkError(undefined);
    try {
      await api.startBulk({
        entityRef,
        action: bulk.action,
        reason,
        ratePerSecond,
        selection:
          bulk.selection === 'selected'
            ? {
                keys: [...selected].map(k => {
                  const [queue, key] = k.split('\n');
                  return { queue, key };
                }),
              }
            : { filter },
      });
      setBulk(undefined);
      setSelected(new Set());
      setJobsVersion(v => v + 1);
      setNotice({
        severity: 'info',
        text: `Bulk ${bulk.action} started: its progress is under "Bulk replays and discards".`,
      });
    } catch (e) {
      setBulkError(messageOf(e));
    } finally {
      setBulkBusy(false);
    }
  };
  /** The four bulk buttons: the selection, or all that match. */
  const bulkChoices = (total: number, exact: boolean) => {
    const matching = `all ${exact ? '' : 'the at least '}${total} dead letters${
      Object.keys(filter).length ? ' matching the filters' : ''
    }`;
    const chosen = `the ${selected.size} selected dead letters`;
    return (['replay', 'discard'] as const).flatMap(action => {
      const allowed = (action === 'replay' ? replay : discard).allowed;
      const verb = action === 'replay' ? 'Replay' : 'Discard';
      return [
        {
          action,
          selection: 'selected' as const,
          what: chosen,
          label: `${verb} selected (${selected.size})`,
          disabled: !allowed || selected.size === 0,
        },
        {
          action,
          selection: 'matching' as const,
          what: matching,
          label: `${verb} all ${total}`,
          disabled: !allowed,
        },
      ];
    });
  };
  const mayCancel = useCallback(
    (job: BulkJob) => (job.action === 'replay' ? replay : discard).allowed,
    [replay, discard],
  );

  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const [dialogError, setDialogError] = useState<string>();

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
    deadLetters = (
      <LoadError error={list.error} what="Dead letters" plainly={[503]} />
    );
  } else if (!list.value) {
    deadLetters = <Progress />;
  } else {
    const { value } = list;
    const filtered = Object.keys(filter).length > 0 || pages.length > 1;
    deadLetters =
      !filtered && value.total === 0 && value.items.length === 0 ? (
        <EmptyState
          missing="data"
          title="No dead letters"
          description={`No task has exhausted its retries (${value.source}), or every dead letter has been replayed or discarded.`}
        />
      ) : (
        <>
          <QueueDepths list={value} />
          {value.payloads !== 'hidden' && (
            <Box mt={2}>
              <DeadLetterFilters
                queues={value.queues.map(q => q.queue)}
                value={filter}
                onChange={applyFilter}
              />
            </Box>
          )}
          {filtered && value.items.length === 0 && (
            <Typography variant="body2" color="textSecondary">
              No dead letter matches these filters on this page.
            </Typography>
          )}
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
              <Box
                display="flex"
                flexWrap="wrap"
                alignItems="center"
                gridGap={8}
                mb={1}
              >
                <Typography variant="body2" color="textSecondary">
                  Page {pages.length}: {value.items.length} of{' '}
                  {value.exact ? '' : 'at least '}
                  {value.total}
                  {Object.keys(filter).length ? ' matching' : ''}.
                </Typography>
                {bulkChoices(value.total, value.exact).map(choice => (
                  <Button
                    key={choice.label}
                    size="small"
                    disabled={choice.disabled}
                    onClick={() => setBulk(choice)}
                  >
                    {choice.label}
                  </Button>
                ))}
              </Box>
              <DeadLetterTable
                items={value.items}
                replay={replay}
                discard={discard}
                busy={busy}
                onReplay={open('replay')}
                onDiscard={open('discard')}
                selected={selected}
                onSelect={
                  replay.allowed || discard.allowed ? select : undefined
                }
              />
              <Box display="flex" gridGap={8} mt={1}>
                <Button
                  size="small"
                  disabled={pages.length === 1}
                  onClick={() => setPages(p => p.slice(0, -1))}
                >
                  Previous page
                </Button>
                <Button
                  size="small"
                  disabled={!value.nextCursor}
                  onClick={() => setPages(p => [...p, value.nextCursor])}
                >
                  Next page
                </Button>
              </Box>
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
            <LoadError
              error={backlog.error}
              what="Dead letters"
              plainly={[503]}
              retry={backlog.retry}
            />
          )}
          {!backlog.error && !backlog.value && <Progress />}
          {!backlog.error && backlog.value && (
            <QueueBacklogTable backlog={backlog.value} />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Bulk replays and discards">
          <BulkJobsPanel
            entityRef={entityRef}
            version={jobsVersion}
            mayCancel={mayCancel}
            onFinished={refresh}
          />
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
      <BulkDialog
        target={bulk}
        defaultRate={DEFAULT_BULK_RATE}
        busy={bulkBusy}
        error={bulkError}
        onCancel={() => !bulkBusy && setBulk(undefined)}
        onConfirm={runBulk}
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
