import {
  AuditorServiceEvent,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { NotFoundError, stringifyError } from '@backstage/errors';
import { publicMessage } from '@internal/backend-helpers';
import {
  BulkJob,
  BulkJobState,
  BulkRequest,
  DeadLetterFilter,
} from '@internal/plugin-dlq-common';
import { Knex } from 'knex';
import { ActionLog, databaseFailure } from './ActionLog';
import { decodeCursor, DeadLetterStore, ListQuery } from './DeadLetterStore';

const TABLE = 'dlq_bulk_jobs';
/** Dead letters read per page while a filter's selection is walked. */
const PAGE = 200;
/** Progress is written at most this often (and at the end). */
const FLUSH_MS = 500;
/** How often a running job looks for a cancellation from another replica. */
const CANCEL_POLL_MS = 1000;
/** A job whose backend has not written for this long has stopped. */
const STALE_MS = 60_000;
/** Consecutive failures (Valkey down) after which a job gives up. */
const MAX_CONSECUTIVE_FAILURES = 10;

type Row = {
  id: number;
  action: 'replay' | 'discard';
  state: BulkJobState;
  entity_ref: string;
  selection: string;
  reason: string | null;
  rate_per_second: number;
  total: number | null;
  total_exact: boolean | number;
  done_count: number;
  skipped_count: number;
  failed_count: number;
  last_error: string | null;
  cancel_requested: boolean | number;
  user_entity_ref: string;
  cancelled_by: string | null;
  started_at: Date | number | string;
  heartbeat_at: Date | number | string;
  finished_at: Date | number | string | null;
};

export interface BulkStart {
  request: BulkRequest & { ratePerSecond: number };
  /** The canonical entity reference. */
  entityRef: string;
  by: string;
  store: DeadLetterStore;
  /** The list query a filter selects (content filters included). */
  queryOf: (filter: DeadLetterFilter) => Omit<ListQuery, 'limit' | 'cursor'>;
  /** The batch's auditor event: success or failure once the job ends. */
  audit: AuditorServiceEvent;
}

/**
 * Replays or discards many dead letters at a set rate, in the background,
 * with progress in the database (table dlq_bulk_jobs) and one row of the
 * audit trail per dead letter (dlq_actions.bulk_job_id).
 *
 * - At most `ratePerSecond` dead letters a second (a steady pace, like an
 *   SQS redrive), so that a bulk replay never floods Valkey or the workers.
 * - Cancellable: what moved stays moved; the job stops before the next one.
 * - Never twice: each replay or discard claims its dead letter atomically
 *   (the stores' Lua scripts and HDEL), so of two bulk jobs over the same
 *   dead letters each is done by one of them; the other counts it skipped.
 * - A filter's selection is walked page by page with the list's cursor
 *   (newest first), so memory stays bounded whatever it matches; dead
 *   letters that arrive once the job started are not part of it.
 */
export class BulkJobs {
  private readonly running = new Map<
    number,
    { cancel: () => void; done: Promise<void> }
  >();

  static async create(options: {
    knex: Knex;
    actions: ActionLog;
    logger: LoggerService;
  }): Promise<BulkJobs> {
    const jobs = new BulkJobs(options.knex, options.actions, options.logger);
    // Jobs whose backend stopped: said so, rather than running forever. A
    // database down at start-up must not stop the backend: routes say 503.
    try {
      await options
        .knex<Row>(TABLE)
        .where('state', 'running')
        .where('heartbeat_at', '<', new Date(Date.now() - STALE_MS))
        .update({ state: 'interrupted', finished_at: new Date() });
    } catch (error) {
      options.logger.warn(
        `Could not mark stopped bulk jobs as interrupted: ${stringifyError(
          error,
        )}`,
      );
    }
    return jobs;
  }

  private constructor(
    private readonly knex: Knex,
    private readonly actions: ActionLog,
    private readonly logger: LoggerService,
  ) {}

  async start(start: BulkStart): Promise<BulkJob> {
    return this.db('write to dlq_bulk_jobs', () => this.startJob(start));
  }

  /** A database failure as a 503 that names it. */
  private async db<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw databaseFailure(this.knex, error, {
        doing,
        hint: 'nothing was replayed or discarded; check backend.database in the portal config',
      });
    }
  }

  private async startJob(start: BulkStart): Promise<BulkJob> {
    const { request } = start;
    const now = new Date();
    const [inserted] = await this.knex<Row>(TABLE)
      .insert({
        action: request.action,
        state: 'running',
        entity_ref: start.entityRef,
        selection: JSON.stringify(request.selection),
        reason: request.reason ?? null,
        rate_per_second: request.ratePerSecond,
        total:
          'keys' in request.selection ? request.selection.keys.length : null,
        total_exact: true,
        done_count: 0,
        skipped_count: 0,
        failed_count: 0,
        last_error: null,
        cancel_requested: false,
        user_entity_ref: start.by,
        cancelled_by: null,
        started_at: now,
        heartbeat_at: now,
        finished_at: null,
      })
      .returning('id');
    const id = Number(typeof inserted === 'object' ? inserted.id : inserted);
    let cancelled = false;
    const done = this.run(id, start, () => cancelled).finally(() =>
      this.running.delete(id),
    );
    this.running.set(id, {
      cancel: () => {
        cancelled = true;
      },
      done,
    });
    return (await this.get(id))!;
  }

  async get(id: number): Promise<BulkJob | undefined> {
    const row = await this.db('read dlq_bulk_jobs', () =>
      this.knex<Row>(TABLE).where('id', id).first(),
    );
    return row && toJob(row);
  }

  /** The entity's jobs, newest first. */
  async list(entityRef: string, limit = 20): Promise<BulkJob[]> {
    const rows = await this.db('read dlq_bulk_jobs', () =>
      this.knex<Row>(TABLE)
        .where('entity_ref', entityRef)
        .orderBy('id', 'desc')
        .limit(limit),
    );
    return rows.map(toJob);
  }

  /** Asks a running job to stop (whichever backend replica runs it). */
  async cancel(id: number, by: string): Promise<BulkJob | undefined> {
    await this.db('update dlq_bulk_jobs', () =>
      this.knex<Row>(TABLE)
        .where('id', id)
        .where('state', 'running')
        .update({ cancel_requested: true, cancelled_by: by }),
    );
    this.running.get(id)?.cancel();
    return this.get(id);
  }

  /** Waits for a job this backend runs (tests, shutdown). */
  async settled(id: number): Promise<void> {
    await this.running.get(id)?.done;
  }

  /** At shutdown: stop every job here; each says it was interrupted. */
  async close(): Promise<void> {
    const all = [...this.running.values()];
    all.forEach(j => j.cancel());
    await Promise.allSettled(all.map(j => j.done));
  }

  private async run(
    id: number,
    start: BulkStart,
    cancelledHere: () => boolean,
  ): Promise<void> {
    const { request } = start;
    const counts = { done: 0, skipped: 0, failed: 0 };
    let lastError: string | undefined;
    let total: number | undefined;
    let totalExact = true;
    let lastFlush = Date.now();
    let lastCancelPoll = Date.now();
    let consecutiveFailures = 0;
    let state: BulkJobState = 'done';
    const interval = 1000 / request.ratePerSecond;
    let nextAt = Date.now();

    const flush = async (final?: BulkJobState) => {
      lastFlush = Date.now();
      await this.knex<Row>(TABLE)
        .where('id', id)
        .update({
          done_count: counts.done,
          skipped_count: counts.skipped,
          failed_count: counts.failed,
          last_error: lastError ?? null,
          heartbeat_at: new Date(),
          ...(total !== undefined ? { total, total_exact: totalExact } : {}),
          ...(final ? { state: final, finished_at: new Date() } : {}),
        });
    };
    const cancelRequested = async () => {
      if (cancelledHere()) return true;
      if (Date.now() - lastCancelPoll < CANCEL_POLL_MS) return false;
      lastCancelPoll = Date.now();
      const row = await this.knex<Row>(TABLE)
        .where('id', id)
        .first('cancel_requested');
      return Boolean(row?.cancel_requested);
    };

    try {
      for await (const target of this.targets(start, (n, exact) => {
        total = n;
        totalExact = exact;
      })) {
        if (await cancelRequested()) {
          // Asked by a user, or this backend is shutting down.
          state = (await this.cancelAsked(id)) ? 'cancelled' : 'interrupted';
          break;
        }
        // A steady pace: one dead letter every 1/rate seconds.
        const wait = nextAt - Date.now();
        if (wait > 0) await new Promise(r => setTimeout(r, wait));
        nextAt = Math.max(nextAt, Date.now() - interval) + interval;

        const outcome = await this.one(id, start, target.queue, target.key);
        if (outcome.ok) {
          counts.done++;
          consecutiveFailures = 0;
        } else if (outcome.gone) {
          counts.skipped++;
          consecutiveFailures = 0;
        } else {
          counts.failed++;
          lastError = outcome.error;
          if (++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
            state = 'failed';
            lastError = `stopped after ${MAX_CONSECUTIVE_FAILURES} failures in a row: ${outcome.error}`;
            break;
          }
        }
        if (Date.now() - lastFlush >= FLUSH_MS) await flush();
      }
    } catch (error) {
      // Listing the selection failed (Valkey down): what was done stays done.
      state = 'failed';
      lastError = publicMessage(error, {
        exposeDetails: false,
        pluginId: 'dlq',
      });
      this.logger.error(`Bulk job ${id} stopped: ${stringifyError(error)}`);
    }
    try {
      await flush(state);
    } catch (error) {
      this.logger.error(
        `Bulk job ${id} ended ${state} (${JSON.stringify(
          counts,
        )}), but its row could not be updated: ${stringifyError(error)}`,
      );
    }
    const meta = { jobId: id, state, ...counts, lastError };
    try {
      if (state === 'failed') {
        await start.audit.fail({ error: new Error(lastError ?? state), meta });
      } else {
        await start.audit.success({ meta });
      }
    } catch (error) {
      this.logger.error(`Could not audit the end of bulk job ${id}: ${error}`);
    }
  }

  private async cancelAsked(id: number): Promise<boolean> {
    const row = await this.knex<Row>(TABLE)
      .where('id', id)
      .first('cancel_requested');
    return Boolean(row?.cancel_requested);
  }

  /** What the job acts on, one dead letter at a time. */
  private async *targets(
    start: BulkStart,
    onTotal: (total: number, exact: boolean) => void,
  ): AsyncGenerator<{ queue: string; key: string }> {
    const { selection } = start.request;
    if ('keys' in selection) {
      yield* selection.keys;
      return;
    }
    const query = start.queryOf(selection.filter);
    let cursor: string | undefined;
    let first = true;
    do {
      const page = await start.store.list({
        ...query,
        limit: PAGE,
        cursor: cursor === undefined ? undefined : decodeCursor(cursor),
      });
      if (first) {
        onTotal(page.total, page.exact);
        first = false;
      }
      for (const item of page.items) yield { queue: item.queue, key: item.key };
      cursor = page.nextCursor;
    } while (cursor);
  }

  /** One dead letter, audited as any replay or discard (row first). */
  private async one(
    jobId: number,
    start: BulkStart,
    queue: string,
    key: string,
  ): Promise<{ ok: true } | { ok: false; gone: boolean; error: string }> {
    const { request, store } = start;
    let row: number | undefined;
    try {
      const change = request.action === 'replay' ? store.replay : store.discard;
      await change.call(store, queue, key, async read => {
        row = await this.actions.start({
          action: request.action,
          entityRef: start.entityRef,
          queue: read.queue,
          key: read.key,
          messageId: read.messageId,
          actor: read.actor,
          reason: request.reason,
          by: start.by,
          at: new Date().toISOString(),
          bulkJobId: jobId,
        });
      });
      if (row !== undefined)
        await this.actions.finish(row, { outcome: 'done' });
      return { ok: true };
    } catch (error) {
      const message = publicMessage(error, {
        exposeDetails: false,
        pluginId: 'dlq',
      });
      if (row !== undefined) {
        await this.actions
          .finish(row, { outcome: 'failed', error: message })
          .catch(e =>
            this.logger.error(
              `Row ${row} of dlq_actions (bulk job ${jobId}) stays pending: ${stringifyError(
                e,
              )}`,
            ),
          );
      }
      return {
        ok: false,
        gone:
          error instanceof NotFoundError ||
          (error as Error)?.name === 'NotFoundError',
        error: message,
      };
    }
  }
}

function toJob(r: Row): BulkJob {
  const iso = (v: Date | number | string) => new Date(v).toISOString();
  return {
    id: Number(r.id),
    action: r.action,
    state: r.state,
    entityRef: r.entity_ref,
    selection: JSON.parse(r.selection),
    ...(r.reason ? { reason: r.reason } : {}),
    ratePerSecond: Number(r.rate_per_second),
    ...(r.total !== null ? { total: Number(r.total) } : {}),
    totalExact: Boolean(r.total_exact),
    done: Number(r.done_count),
    skipped: Number(r.skipped_count),
    failed: Number(r.failed_count),
    ...(r.last_error ? { lastError: r.last_error } : {}),
    by: r.user_entity_ref,
    ...(r.cancelled_by ? { cancelledBy: r.cancelled_by } : {}),
    startedAt: iso(r.started_at),
    ...(r.finished_at ? { finishedAt: iso(r.finished_at) } : {}),
  };
}
