import { InputError, NotFoundError, stringifyError } from '@backstage/errors';
import {
  DeadLetter,
  DeadLetterQueueDepth,
  QueueBacklog,
} from '@internal/plugin-dlq-common';
import { Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import { LinkTemplate } from '../config';
import {
  BULLMQ_QUEUES,
  BullmqRecord,
  BullmqSource,
  bullmqDeadLetter,
  parseBullmqRecord,
} from './bullmqRecord';
import { BeforeChange, nothingBeforeChange } from './beforeChange';
import { DeadLetterPage, encodeCursor, ListQuery } from './DeadLetterStore';
import { pipelineAnswers } from './QueueScan';

/** A dead letter's place in the listing order. */
type Ranked = { at: number; rank: number; key: string };
import { ValkeyConnection } from './ValkeyConnection';

/** HSCAN batch size: a service may keep thousands of dead letters. */
const SCAN_BATCH = 500;
/** BullMQ's default key prefix, which the golden path keeps. */
const BULL_PREFIX = 'bull';

export interface BullmqDeadLettersOptions {
  connection: ValkeyConnection;
  links: LinkTemplate[];
}

/**
 * The dead letters golden-path services keep themselves: the hash
 * `<service>:dead-letter`, field `<queue>/<job id>`, value the record as
 * JSON; the jobs themselves are in the BullMQ queues `<service>-<queue>`.
 * Replay does what the service's own `replayDeadLetter` does, with the
 * record claimed by HDEL first so that one of two clicks wins.
 */
export class BullmqDeadLetters {
  private readonly connection: ValkeyConnection;
  private readonly links: LinkTemplate[];
  /** BullMQ's own client (opened on the first replay) and its queues. */
  private client?: Redis;
  private readonly queues = new Map<string, Queue>();

  constructor(options: BullmqDeadLettersOptions) {
    this.connection = options.connection;
    this.links = options.links;
  }

  private hashOf(source: BullmqSource) {
    return `${source.service}:dead-letter`;
  }

  /**
   * One page of the service's dead letters, newest first, and the number
   * per queue. The hash has no order, so it is read whole (HSCAN batches),
   * but only the page is kept: the newest `limit` after the cursor, in a
   * sorted array, beside running counts. Memory is the page, not the hash.
   * (HSCAN may return a field twice while the hash is resized: the page is
   * deduplicated, a count may then be one too high until the next read.)
   */
  async list(source: BullmqSource, query: ListQuery): Promise<DeadLetterPage> {
    if (query.queue !== undefined)
      checkAddress(query.queue, `${query.queue}/x`);
    const order = new Map<string, number>(BULLMQ_QUEUES.map((q, i) => [q, i]));
    // Newest first; then queue priority; then key, descending (as Dramatiq's).
    const before = (a: Ranked, b: Ranked) => {
      if (a.at !== b.at) return a.at > b.at;
      if (a.rank !== b.rank) return a.rank < b.rank;
      return a.key > b.key;
    };
    const cursor = query.cursor && {
      at: query.cursor.at,
      rank: order.get(query.cursor.queue) ?? -1,
      key: query.cursor.key,
    };
    return this.connection.run(async redis => {
      const hash = this.hashOf(source);
      const counts = new Map<string, { depth: number; oldest?: number }>(
        BULLMQ_QUEUES.map(q => [q, { depth: 0 }]),
      );
      const page: Array<Ranked & { letter: DeadLetter }> = [];
      let more = false;
      let scan = '0';
      do {
        const [next, flat] = await redis.hscan(hash, scan, 'COUNT', SCAN_BATCH);
        scan = next;
        for (let i = 0; i + 1 < flat.length; i += 2) {
          const key = flat[i];
          const queue = queueOf(key);
          // Not one of the service's queues: nothing the portal can act on.
          if (!queue || (query.queue && queue !== query.queue)) continue;
          const letter = bullmqDeadLetter({
            queue,
            key,
            stored: parseBullmqRecord(flat[i + 1]),
            links: this.links,
          });
          const at = Date.parse(letter.deadLetteredAt);
          if (
            query.deadLetteredBefore !== undefined &&
            at > query.deadLetteredBefore
          )
            continue;
          if (
            query.deadLetteredAfter !== undefined &&
            at < query.deadLetteredAfter
          )
            continue;
          if (query.matches && !query.matches(letter)) continue;
          const count = counts.get(queue)!;
          count.depth++;
          count.oldest = Math.min(count.oldest ?? at, at);
          const ranked = { at, rank: order.get(queue)!, key, letter };
          if (cursor && !before(cursor, ranked)) continue;
          // Binary search for its place; drop what falls past the page.
          let lo = 0;
          let hi = page.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (before(page[mid], ranked)) lo = mid + 1;
            else hi = mid;
          }
          if (lo >= query.limit) {
            more = true;
            continue;
          }
          // Seen twice (HSCAN during a resize): once on the page.
          if (page.some(p => p.key === key)) continue;
          page.splice(lo, 0, ranked);
          if (page.length > query.limit) {
            page.pop();
            more = true;
          }
        }
      } while (scan !== '0');
      const queues: DeadLetterQueueDepth[] = BULLMQ_QUEUES.filter(
        q => !query.queue || q === query.queue,
      ).map(queue => {
        const { depth, oldest } = counts.get(queue)!;
        return {
          queue,
          depth,
          oldestDeadLetteredAt:
            oldest === undefined ? undefined : new Date(oldest).toISOString(),
        };
      });
      const last = page[page.length - 1];
      return {
        queues,
        total: queues.reduce((n, q) => n + q.depth, 0),
        exact: true,
        items: page.map(p => p.letter),
        nextCursor:
          more && last
            ? encodeCursor({
                at: last.at,
                queue: last.letter.queue,
                key: last.key,
              })
            : undefined,
      };
    });
  }

  /**
   * The service's BullMQ queues, in one pipeline of BullMQ's own keys
   * (`bull:<service>-<queue>:…`): waiting (the `wait` and `paused` lists
   * and the `prioritized` set), in flight (`active`), delayed (`delayed`,
   * which also holds retries in their backoff), and the oldest waiting job
   * (the `wait` list's tail: jobs are LPUSHed and taken from the right)
   * for its `timestamp`.
   */
  async backlog(source: BullmqSource): Promise<QueueBacklog[]> {
    return this.connection.run(async redis => {
      const base = (q: string) => `${BULL_PREFIX}:${source.service}-${q}`;
      const counts = redis.pipeline();
      for (const q of BULLMQ_QUEUES) {
        counts.llen(`${base(q)}:wait`);
        counts.llen(`${base(q)}:paused`);
        counts.zcard(`${base(q)}:prioritized`);
        counts.llen(`${base(q)}:active`);
        counts.zcard(`${base(q)}:delayed`);
        counts.lindex(`${base(q)}:wait`, -1);
      }
      const next = pipelineAnswers(await counts.exec());
      const rows = BULLMQ_QUEUES.map(queue => ({
        queue,
        waiting: Number(next()) + Number(next()) + Number(next()),
        inFlight: Number(next()),
        delayed: Number(next()),
        head: next() as string | null,
      }));
      const stamps = await Promise.all(
        rows.map(r =>
          r.head === null
            ? null
            : redis.hget(`${base(r.queue)}:${r.head}`, 'timestamp'),
        ),
      );
      return rows.map(({ head, ...row }, i): QueueBacklog => {
        const stamp = stamps[i];
        // Taken meanwhile (or no job waiting): nothing to say.
        if (head === null || stamp === null) return row;
        const ms = Number(stamp);
        return Number.isFinite(ms) && ms > 0
          ? { ...row, oldestWaitingAt: new Date(ms).toISOString() }
          : {
              ...row,
              problem: `the oldest waiting job ${head} has no valid timestamp`,
            };
      });
    });
  }

  /**
   * Runs the job again: reads the record, lets `beforeChange` see it, claims
   * it (HDEL, one caller only), then retries the job if BullMQ still holds
   * it as failed, or adds it anew with the record's name, data and retry
   * policy. If BullMQ cannot do it, the record is put back and the answer
   * is a 503 that says so.
   */
  async replay(
    source: BullmqSource,
    queue: string,
    key: string,
    beforeChange: BeforeChange = nothingBeforeChange,
  ): Promise<DeadLetter> {
    checkAddress(queue, key);
    const hash = this.hashOf(source);
    const { letter, record, raw } = await this.connection.run(async redis => {
      const value = await redis.hget(hash, key);
      if (value === null) throw gone(source, queue, key);
      const stored = parseBullmqRecord(value);
      const dead = bullmqDeadLetter({
        queue,
        key,
        stored,
        links: this.links,
      });
      if ('unreadable' in stored) {
        throw new InputError(
          `Dead letter ${key} of ${source.service} cannot be replayed: ${stored.unreadable}. Discard it instead.`,
        );
      }
      return { letter: dead, record: stored.record, raw: value };
    });
    await beforeChange(letter);
    await this.connection.run(async redis => {
      if ((await redis.hdel(hash, key)) !== 1) throw gone(source, queue, key);
    });
    const bullQueue = `${source.service}-${queue}`;
    try {
      await this.requeue(bullQueue, record);
    } catch (error) {
      const via = `BullMQ queue ${bullQueue}`;
      const timeoutMs = this.boundMs();
      // Valkey answered with an error: not done. Otherwise the answer may
      // be what was lost (a stall, a failover): was it done?
      const happened =
        (error as Error)?.name === 'ReplyError'
          ? false
          : await this.requeued(bullQueue, record);
      if (happened === true) return letter;
      if (happened === undefined) {
        // Putting the record back could run the job twice: it is not.
        throw this.connection.failure(error, {
          phase: 'command',
          timeoutMs,
          via,
          outcome: `the replay of dead letter ${key} of ${
            source.service
          } may or may not have been done, and BullMQ cannot be asked yet: once Valkey answers, look for job ${replayJobId(
            record,
          )} (or job ${
            record.jobId
          } no longer failed) in ${bullQueue}; only if neither is there, replay job ${
            record.jobName
          } ${record.jobId} by hand`,
        });
      }
      try {
        await this.connection.run(redis => redis.hset(hash, key, raw));
      } catch (restoreError) {
        throw this.connection.failure(error, {
          phase: 'command',
          timeoutMs,
          via,
          outcome: `dead letter ${key} of ${source.service} was not replayed, and its record could not be put back: re-run job ${record.jobName} ${record.jobId} of ${bullQueue} by hand`,
          detail: `${stringifyError(
            error,
          )}; putting the record back: ${stringifyError(restoreError)}${
            (restoreError as { detail?: string }).detail
              ? ` (${(restoreError as { detail?: string }).detail})`
              : ''
          }`,
        });
      }
      throw this.connection.failure(error, {
        phase: 'command',
        timeoutMs,
        via,
        outcome: `dead letter ${key} of ${source.service} was not replayed and is kept; replay it again once Valkey answers`,
      });
    }
    return letter;
  }

  /**
   * After a failed requeue: did it happen after all? True if the job was
   * added under its replay id or retried (no longer failed), false if it
   * is known not to have been, undefined if BullMQ cannot be asked.
   */
  private async requeued(
    name: string,
    record: BullmqRecord,
  ): Promise<boolean | undefined> {
    const bull = this.queue(name);
    try {
      let answer = false;
      await this.bounded(async () => {
        if (await Job.fromId(bull, replayJobId(record))) {
          answer = true;
          return;
        }
        const original = await Job.fromId(bull, record.jobId);
        answer = Boolean(original) && (await original!.getState()) !== 'failed';
      });
      return answer;
    } catch {
      return undefined;
    }
  }

  /** Removes a dead letter's record for good (BullMQ's failed job stays until it ages out). */
  async discard(
    source: BullmqSource,
    queue: string,
    key: string,
    beforeChange: BeforeChange = nothingBeforeChange,
  ): Promise<DeadLetter> {
    checkAddress(queue, key);
    const hash = this.hashOf(source);
    const letter = await this.connection.run(async redis => {
      const value = await redis.hget(hash, key);
      if (value === null) throw gone(source, queue, key);
      return bullmqDeadLetter({
        queue,
        key,
        stored: parseBullmqRecord(value),
        links: this.links,
      });
    });
    await beforeChange(letter);
    await this.connection.run(async redis => {
      if ((await redis.hdel(hash, key)) !== 1) throw gone(source, queue, key);
    });
    return letter;
  }

  private async requeue(name: string, record: BullmqRecord): Promise<void> {
    const bull = this.queue(name);
    await this.bounded(async () => {
      const job = await Job.fromId(bull, record.jobId);
      if (job && (await job.getState()) === 'failed') {
        await job.retry('failed', {
          resetAttemptsMade: true,
          resetAttemptsStarted: true,
        });
      } else {
        // A job id of its own for this dead letter: added twice (an answer
        // lost, the replay asked again), BullMQ keeps one job.
        await bull.add(record.jobName, record.data, {
          jobId: replayJobId(record),
          attempts: record.attempts,
          backoff: { type: 'exponential', delay: record.backoffMs },
        });
      }
    });
  }

  /** One Queue per BullMQ queue name, on one client, closed at shutdown. */
  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      this.client ??= this.connection.duplicateForBullmq();
      queue = new Queue(name, {
        connection: this.client,
        prefix: BULL_PREFIX,
      });
      // Connection errors are logged by the client's own listener.
      queue.on('error', () => {});
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** How long a replay waits for BullMQ: the connect and command time-outs. */
  private boundMs(): number {
    const options = this.client?.options ?? this.connection.redis.options;
    return (options.connectTimeout ?? 2000) + (options.commandTimeout ?? 2000);
  }

  /**
   * BullMQ's client queues commands while disconnected; a replay must not
   * hang for that long, so it gives up after the connect and command time-outs.
   */
  private async bounded(fn: () => Promise<void>): Promise<void> {
    const ms = this.boundMs();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                Object.assign(
                  new Error(`BullMQ did not answer within ${ms} ms`),
                  { name: 'TimeoutError' },
                ),
              ),
            ms,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map(q => q.close()));
    this.client?.disconnect();
    this.client = undefined;
  }
}

/**
 * The id a replayed job is added under: the same for every replay of one
 * dead-lettering of a job (its time), new if the job dies again later. The
 * golden path's services use the same id for their own replays
 * (templates/golden-path/typescript/…/jobs/dead-letters.ts: replayJobId), so a
 * service's replay racing the portal's adds one job.
 */
export function replayJobId(record: BullmqRecord): string {
  return `${record.jobId}-replay-${Date.parse(record.deadLetteredAt)}`;
}

/** The queue a hash field names, if it is one of the four. */
function queueOf(key: string): string | undefined {
  const queue = key.slice(0, key.indexOf('/'));
  return (BULLMQ_QUEUES as readonly string[]).includes(queue)
    ? queue
    : undefined;
}

function checkAddress(queue: string, key: string) {
  if (!(BULLMQ_QUEUES as readonly string[]).includes(queue)) {
    throw new InputError(
      `Unknown queue "${queue}": the BullMQ queues are ${BULLMQ_QUEUES.join(
        ', ',
      )}`,
    );
  }
  if (!key.startsWith(`${queue}/`) || key.length === queue.length + 1) {
    throw new InputError(
      `Dead letter key "${key}" does not belong to queue ${queue}: expected ${queue}/<job id>`,
    );
  }
}

function gone(source: BullmqSource, queue: string, key: string) {
  return new NotFoundError(
    `No dead letter ${key} on queue ${queue} of ${source.service}: already replayed or discarded`,
  );
}
