import { InputError, NotFoundError } from '@backstage/errors';
import {
  DeadLetter,
  DeadLetterQueueDepth,
  QueueBacklog,
} from '@internal/plugin-dlq-common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { LinkTemplate } from '../config';
import {
  belongsTo,
  DramatiqSource,
  isoFromMs,
  parseStoredMessage,
  replayedMessage,
  toDeadLetter,
} from './dramatiqMessage';
import { BeforeChange, nothingBeforeChange } from './beforeChange';
import {
  DeadLetterPage,
  encodeCursor,
  ListCursor,
  ListQuery,
} from './DeadLetterStore';
import { bound, Entry, pipelineAnswers, QueueScan } from './QueueScan';
import { ValkeyConnection } from './ValkeyConnection';

/**
 * Replay, as one step: claim the dead letter (ZREM succeeds for one caller
 * only), drop its message, enqueue the new message the way Dramatiq's
 * `enqueue` does (HSET <q>.msgs, RPUSH <q>), and leave a marker for this
 * request. Idempotent by request: run again (ioredis resends what was in
 * flight when a connection drops) it finds the marker and does nothing.
 * KEYS: <q>.XQ, <q>.XQ.msgs, <q>, <q>.msgs, marker;
 * ARGV: dead letter id, new id, new JSON, marker TTL in seconds.
 * Returns 1 done, 2 already done by this request, 0 gone.
 */
const REPLAY_LUA = `
if redis.call('EXISTS', KEYS[5]) == 1 then
  return 2
end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('SET', KEYS[5], ARGV[2], 'EX', ARGV[4])
return 1
`;

/**
 * Discard, as one step, idempotent by request the same way.
 * KEYS: <q>.XQ, <q>.XQ.msgs, marker; ARGV: dead letter id, marker TTL.
 */
const DISCARD_LUA = `
if redis.call('EXISTS', KEYS[3]) == 1 then
  return 2
end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], 'discarded', 'EX', ARGV[2])
return 1
`;

/** How long a request's marker is kept: longer than any retry of it. */
const MARKER_TTL_S = 24 * 3600;

type DeadLetterCommands = {
  dlqReplay(
    xq: string,
    xqMsgs: string,
    queue: string,
    queueMsgs: string,
    marker: string,
    key: string,
    newKey: string,
    message: string,
    ttl: number,
  ): Promise<number>;
  dlqDiscard(
    xq: string,
    xqMsgs: string,
    marker: string,
    key: string,
    ttl: number,
  ): Promise<number>;
};

/** ZRANGE and HMGET sizes: a queue may hold millions of dead letters. */
const RANGE_BATCH = 1000;
const HMGET_BATCH = 500;
/** Dead letters read per queue and step while a page is merged. */
const PAGE_BATCH = 200;
/** Dead letters whose actor is remembered (their ids are never reused). */
const MAX_REMEMBERED_ACTORS = 100_000;

export interface DramatiqDeadLettersOptions {
  connection: ValkeyConnection;
  namespace: string;
  queues: string[];
  deadMessageTtlMs: number;
  links: LinkTemplate[];
  /** Entries a page may examine before it ends (with a cursor to go on). */
  scanBudget: number;
  /** Entries counting may read when filtering on content. */
  countBudget: number;
}

/**
 * Dramatiq's dead letters in its Redis broker's own layout: for a queue q,
 * the sorted set `<ns>:q.XQ` (redis message id, scored by dead-letter time
 * in ms) and the hash `<ns>:q.XQ.msgs` (id → message JSON).
 */
export class DramatiqDeadLetters {
  private readonly connection: ValkeyConnection;
  private readonly options: DramatiqDeadLettersOptions;
  /**
   * `queue\nkey` → actor (null: the stored message is unreadable). Filtering
   * a service's dead letters needs every message's actor; a dead letter's
   * message never changes, so each one is read once, not on every listing.
   */
  private readonly actors = new Map<string, string | null>();

  constructor(options: DramatiqDeadLettersOptions) {
    this.options = options;
    this.connection = options.connection;
    this.connection.redis.defineCommand('dlqReplay', {
      numberOfKeys: 5,
      lua: REPLAY_LUA,
    });
    this.connection.redis.defineCommand('dlqDiscard', {
      numberOfKeys: 3,
      lua: DISCARD_LUA,
    });
  }

  private keys(queue: string) {
    const base = `${this.options.namespace}:${queue}`;
    return {
      queue: base,
      msgs: `${base}.msgs`,
      xq: `${base}.XQ`,
      xqMsgs: `${base}.XQ.msgs`,
    };
  }

  /**
   * One page of the source's dead letters, newest first, and the number
   * per queue. Memory stays bounded whatever the queues hold:
   *
   * - the page is a merge of one scan per queue, each reading its sorted
   *   set newest first in batches (ZRANGE BYSCORE REV LIMIT, then HMGET of
   *   the batch), stopping once `limit` dead letters match or `scanBudget`
   *   entries were examined (then `nextCursor` continues from there);
   * - counts are ZCARD/ZCOUNT when nothing is filtered on content (the
   *   platform view); otherwise each queue is streamed in batches, actors
   *   from a bounded cache, up to `countBudget` entries: past it the counts
   *   are lower bounds (`exact: false`).
   */
  async list(
    source: DramatiqSource,
    query: ListQuery,
  ): Promise<DeadLetterPage> {
    const queues = this.queuesOf(query);
    const byContent = Boolean(source.actorPrefix || query.matches);
    return this.connection.run(async redis => {
      const counted = byContent
        ? await this.countByScan(redis, source, query, queues)
        : await this.countByScore(redis, query, queues);
      const page = await this.page(redis, source, query, queues);
      return {
        queues: counted.queues,
        total: counted.queues.reduce((n, q) => n + q.depth, 0),
        exact: counted.exact,
        items: page.items,
        nextCursor: page.next && encodeCursor(page.next),
      };
    });
  }

  private queuesOf(query: ListQuery): string[] {
    if (query.queue === undefined) return this.options.queues;
    this.checkQueue(query.queue);
    return [query.queue];
  }

  private scoreRange(query: ListQuery): { max: number; min: number } {
    return {
      max: query.deadLetteredBefore ?? Number.POSITIVE_INFINITY,
      min: query.deadLetteredAfter ?? Number.NEGATIVE_INFINITY,
    };
  }

  /** Exact counts straight from the sorted sets. */
  private async countByScore(redis: Redis, query: ListQuery, queues: string[]) {
    const { max, min } = this.scoreRange(query);
    const depths = await Promise.all(
      queues.map(async (queue): Promise<DeadLetterQueueDepth> => {
        const { xq } = this.keys(queue);
        const [depth, oldest] = await Promise.all([
          redis.zcount(xq, bound(min), bound(max)),
          redis.zrangebyscore(
            xq,
            bound(min),
            bound(max),
            'WITHSCORES',
            'LIMIT',
            0,
            1,
          ),
        ]);
        return {
          queue,
          depth,
          oldestDeadLetteredAt: oldest.length
            ? isoFromMs(Number(oldest[1]))
            : undefined,
        };
      }),
    );
    return { queues: depths, exact: true };
  }

  /** Counts by reading the dead letters, batch by batch, within the budget. */
  private async countByScan(
    redis: Redis,
    source: DramatiqSource,
    query: ListQuery,
    queues: string[],
  ) {
    let budget = this.options.countBudget;
    let exact = true;
    const depths: DeadLetterQueueDepth[] = [];
    for (const queue of queues) {
      const scan = this.scanOf(redis, queue, query, undefined);
      let depth = 0;
      let oldest: number | undefined;
      for (;;) {
        const batch = await scan.nextBatch(
          budget > 0 ? Math.min(RANGE_BATCH, budget) : 1,
        );
        if (!batch) break;
        if (budget <= 0) {
          // More to count than the budget allows: a lower bound.
          exact = false;
          break;
        }
        budget -= batch.length;
        const kept: Entry[] = [];
        if (query.matches) {
          const letters = await this.read(redis, batch);
          letters.forEach((letter, i) => {
            if (belongsTo(source, letter.actor) && query.matches!(letter)) {
              kept.push(batch[i]);
            }
          });
        } else {
          const actors = await this.actorsOf(
            redis,
            queue,
            batch.map(e => e.key),
          );
          kept.push(...batch.filter(e => belongsTo(source, actors.get(e.key))));
        }
        depth += kept.length;
        // Newest first: the last one kept is the oldest so far.
        if (kept.length) oldest = kept[kept.length - 1].score;
      }
      depths.push({
        queue,
        depth,
        oldestDeadLetteredAt:
          oldest === undefined ? undefined : isoFromMs(oldest),
      });
    }
    return { queues: depths, exact };
  }

  /** The page: a merge of the queues' scans, newest first. */
  private async page(
    redis: Redis,
    source: DramatiqSource,
    query: ListQuery,
    queues: string[],
  ): Promise<{ items: DeadLetter[]; next?: ListCursor }> {
    const scans = queues.map(queue => ({
      queue,
      scan: this.scanOf(redis, queue, query, query.cursor),
      buffer: [] as Array<{ entry: Entry; letter: DeadLetter }>,
      done: false,
    }));
    const order = new Map(this.options.queues.map((q, i) => [q, i]));
    const items: DeadLetter[] = [];
    let examined = 0;
    let last: ListCursor | undefined;
    // Without a filter every entry is kept: a batch need not be bigger
    // than the page (and one more, to know whether there is a next page).
    const batchSize =
      source.actorPrefix || query.matches
        ? PAGE_BATCH
        : Math.min(PAGE_BATCH, query.limit + 1);
    // Refill the scans whose buffer ran out (one batch each).
    const refill = async () => {
      for (const s of scans) {
        if (s.buffer.length || s.done) continue;
        const batch = await s.scan.nextBatch(batchSize);
        if (!batch) {
          s.done = true;
          continue;
        }
        const letters = await this.read(redis, batch);
        s.buffer = batch.map((entry, i) => ({ entry, letter: letters[i] }));
      }
    };
    for (;;) {
      await refill();
      const live = scans.filter(s => s.buffer.length);
      if (!live.length) return { items };
      // Newest first; then queue priority; then key, as ZRANGE REV orders ties.
      const head = live.reduce((a, b) => {
        const x = a.buffer[0].entry;
        const y = b.buffer[0].entry;
        if (x.score !== y.score) return x.score > y.score ? a : b;
        return order.get(x.queue)! <= order.get(y.queue)! ? a : b;
      });
      const { entry, letter } = head.buffer.shift()!;
      examined++;
      last = { at: entry.score, queue: entry.queue, key: entry.key };
      if (
        belongsTo(source, letter.actor) &&
        (!query.matches || query.matches(letter))
      ) {
        items.push(letter);
        if (items.length === query.limit) {
          // A next page only if there is one: no empty last page.
          await refill();
          const more = scans.some(s => s.buffer.length);
          return { items, next: more ? last : undefined };
        }
      }
      if (examined >= this.options.scanBudget) return { items, next: last };
    }
  }

  /** A scan of one queue from a cursor, newest first. */
  private scanOf(
    redis: Redis,
    queue: string,
    query: ListQuery,
    cursor: ListCursor | undefined,
  ): QueueScan {
    const { max, min } = this.scoreRange(query);
    const order = new Map(this.options.queues.map((q, i) => [q, i]));
    let from: QueueScan['from'] = { score: max, below: undefined };
    if (cursor && cursor.at <= max) {
      const mine = order.get(queue)!;
      const theirs = order.get(cursor.queue) ?? -1;
      // Ties at the cursor's time: queues listed before the cursor's were
      // all given, the cursor's own up to its key, later ones not yet.
      let below: string | undefined;
      if (mine < theirs) below = '';
      else if (mine === theirs) below = cursor.key;
      from = { score: cursor.at, below };
    }
    return new QueueScan(redis, queue, this.keys(queue).xq, from, min);
  }

  /**
   * Each queue's backlog, in one pipeline: LLEN of `<q>` (waiting) and
   * `<q>.DQ` (delayed: Dramatiq's delay queue is a list the workers drain
   * into memory until each message's eta), SCARD of every worker's
   * `__acks__.<worker>.<q>` (in flight; `.DQ` acks are delayed tasks a
   * worker holds), workers from `__heartbeats__`; then the oldest waiting
   * message (the list's head: enqueue RPUSHes, fetch LPOPs) for its
   * `message_timestamp`. Queues are shared, so these are the queues' totals.
   */
  async backlog(): Promise<QueueBacklog[]> {
    const ns = this.options.namespace;
    return this.connection.run(async redis => {
      const workers = await redis.zrange(`${ns}:__heartbeats__`, 0, -1);
      const counts = redis.pipeline();
      for (const queue of this.options.queues) {
        const k = this.keys(queue);
        counts.llen(k.queue);
        counts.llen(`${k.queue}.DQ`);
        counts.lindex(k.queue, 0);
        for (const worker of workers) {
          counts.scard(`${ns}:__acks__.${worker}.${queue}`);
          counts.scard(`${ns}:__acks__.${worker}.${queue}.DQ`);
        }
      }
      const next = pipelineAnswers(await counts.exec());
      const rows = this.options.queues.map(queue => {
        const waiting = Number(next());
        const delayed = Number(next());
        const head = next() as string | null;
        let inFlight = 0;
        let delayedHeld = 0;
        for (let w = 0; w < workers.length; w++) {
          inFlight += Number(next());
          delayedHeld += Number(next());
        }
        return {
          queue,
          waiting,
          inFlight,
          delayed: delayed + delayedHeld,
          head,
        };
      });
      const heads = rows.filter(r => r.head !== null);
      const messages = heads.length
        ? await Promise.all(
            heads.map(r => redis.hget(this.keys(r.queue).msgs, r.head!)),
          )
        : [];
      const oldest = new Map<string, string | { problem: string }>();
      heads.forEach((r, i) => {
        // Taken and acknowledged between the two reads: nothing to say.
        if (messages[i] === null) return;
        const stored = parseStoredMessage(messages[i], this.keys(r.queue).msgs);
        const when =
          'message' in stored
            ? isoFromMs(stored.message.message_timestamp)
            : undefined;
        oldest.set(
          r.queue,
          when ?? {
            problem: `the oldest waiting message ${r.head} cannot be read: ${
              'unreadable' in stored ? stored.unreadable : 'no valid timestamp'
            }`,
          },
        );
      });
      return rows.map(({ head, ...row }): QueueBacklog => {
        const o = oldest.get(row.queue);
        if (o === undefined) return row;
        return typeof o === 'string'
          ? { ...row, oldestWaitingAt: o }
          : { ...row, problem: o.problem };
      });
    });
  }

  /** The actor of each key (undefined: unreadable or missing). */
  private async actorsOf(
    redis: Redis,
    queue: string,
    keys: string[],
  ): Promise<Map<string, string | undefined>> {
    const { xqMsgs } = this.keys(queue);
    const result = new Map<string, string | undefined>();
    const unknown: string[] = [];
    for (const key of keys) {
      const known = this.actors.get(`${queue}\n${key}`);
      if (known === undefined) unknown.push(key);
      else result.set(key, known ?? undefined);
    }
    for (let i = 0; i < unknown.length; i += HMGET_BATCH) {
      const batch = unknown.slice(i, i + HMGET_BATCH);
      const raws = await redis.hmget(xqMsgs, ...batch);
      batch.forEach((key, j) => {
        const raw = raws[j];
        const stored = parseStoredMessage(raw, xqMsgs);
        const actor = 'message' in stored ? stored.message.actor_name : null;
        // A missing message may be a race with a discard: not remembered.
        if (raw !== null) this.remember(queue, key, actor);
        result.set(key, actor ?? undefined);
      });
    }
    return result;
  }

  private remember(queue: string, key: string, actor: string | null) {
    if (this.actors.size >= MAX_REMEMBERED_ACTORS) {
      // Forget the oldest tenth (a Map iterates in insertion order).
      let n = MAX_REMEMBERED_ACTORS / 10;
      for (const k of this.actors.keys()) {
        this.actors.delete(k);
        if (--n === 0) break;
      }
    }
    this.actors.set(`${queue}\n${key}`, actor);
  }

  /** The full dead letters of some entries, in their order. */
  private async read(redis: Redis, entries: Entry[]): Promise<DeadLetter[]> {
    const raw = new Map<Entry, string | null>();
    const byQueue = new Map<string, Entry[]>();
    for (const e of entries) {
      byQueue.set(e.queue, [...(byQueue.get(e.queue) ?? []), e]);
    }
    await Promise.all(
      [...byQueue].map(async ([queue, list]) => {
        const { xqMsgs } = this.keys(queue);
        for (let i = 0; i < list.length; i += HMGET_BATCH) {
          const batch = list.slice(i, i + HMGET_BATCH);
          const values = await redis.hmget(xqMsgs, ...batch.map(e => e.key));
          batch.forEach((e, j) => raw.set(e, values[j]));
        }
      }),
    );
    return entries.map(e => this.toDeadLetter(e, raw.get(e) ?? null));
  }

  private toDeadLetter(e: Entry, raw: string | null): DeadLetter {
    return toDeadLetter({
      ...e,
      stored: parseStoredMessage(raw, this.keys(e.queue).xqMsgs),
      deadMessageTtlMs: this.options.deadMessageTtlMs,
      links: this.options.links,
    });
  }

  private checkQueue(queue: string) {
    if (!this.options.queues.includes(queue)) {
      throw new InputError(
        `Unknown queue "${queue}": the dead-letter queues are ${this.options.queues.join(
          ', ',
        )}`,
      );
    }
  }

  /** One dead letter of the source, or a 404 that says why not. */
  private async fetchOne(
    redis: Redis,
    source: DramatiqSource,
    queue: string,
    key: string,
  ): Promise<{ letter: DeadLetter; raw: string | null }> {
    const { xq, xqMsgs } = this.keys(queue);
    const [score, raw] = await Promise.all([
      redis.zscore(xq, key),
      redis.hget(xqMsgs, key),
    ]);
    if (score === null) {
      throw gone(queue, key, this.options.deadMessageTtlMs);
    }
    const letter = this.toDeadLetter({ queue, key, score: Number(score) }, raw);
    // The page of one service must not act on another service's tasks.
    if (!belongsTo(source, letter.actor)) {
      throw new NotFoundError(
        `Dead letter ${key} on queue ${queue} is not one of this entity's (actors ${source.actorPrefix}*)`,
      );
    }
    return { letter, raw };
  }

  /**
   * Puts a dead letter back on its queue (same message_id, retries reset,
   * new broker id) and removes it from the dead letters, atomically. Reads
   * and checks it first, then lets `beforeChange` see it: if that throws,
   * nothing changes.
   */
  async replay(
    source: DramatiqSource,
    queue: string,
    key: string,
    beforeChange: BeforeChange = nothingBeforeChange,
  ): Promise<DeadLetter> {
    this.checkQueue(queue);
    const { letter, raw } = await this.connection.run(redis =>
      this.fetchOne(redis, source, queue, key),
    );
    if (letter.unreadable || raw === null) {
      throw new InputError(
        `Dead letter ${key} on queue ${queue} cannot be replayed: ${letter.unreadable}. Discard it instead.`,
      );
    }
    await beforeChange(letter);
    const k = this.keys(queue);
    const newKey = randomUUID();
    const marker = this.markerOf(newKey);
    const done = await this.settled('replay', queue, key, marker, redis =>
      (redis as Redis & DeadLetterCommands).dlqReplay(
        k.xq,
        k.xqMsgs,
        k.queue,
        k.msgs,
        marker,
        key,
        newKey,
        replayedMessage(raw, queue, newKey),
        MARKER_TTL_S,
      ),
    );
    // Replayed or discarded by someone else meanwhile.
    if (!done) {
      throw gone(queue, key, this.options.deadMessageTtlMs, letter);
    }
    this.actors.delete(`${queue}\n${key}`);
    return letter;
  }

  /** Where a request leaves its mark once done (see REPLAY_LUA). */
  private markerOf(requestId: string) {
    return `${this.options.namespace}:__portal__:done:${requestId}`;
  }

  /**
   * Runs a replay or discard script and says whether it was done. When the
   * answer is lost (a time-out, a dropped connection), it asks Valkey for
   * the request's marker: the script is atomic, so the marker tells the
   * real outcome. Only if that cannot be read either is the outcome
   * unknown, and the error says how to find out.
   */
  private async settled(
    action: 'replay' | 'discard',
    queue: string,
    key: string,
    marker: string,
    script: (redis: Redis) => Promise<number>,
  ): Promise<boolean> {
    let sent = false;
    try {
      return (
        (await this.connection.run(redis => {
          sent = true;
          return script(redis);
        })) !== 0
      );
    } catch (error) {
      // Never sent (no connection): certainly not done.
      if (!sent) throw error;
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const exists = await this.connection.run(redis =>
            redis.exists(marker),
          );
          if (exists) return true;
          // Not done (the script is all or nothing): the failure stands.
          throw error;
        } catch (checkError) {
          if (checkError === error) throw error;
          await new Promise(r => setTimeout(r, 200 * (attempt + 1)));
        }
      }
      throw this.connection.failure(error, {
        phase: 'command',
        outcome: `the ${action} of dead letter ${key} on queue ${queue} may or may not have been done: its answer was lost and Valkey cannot be asked yet. Once it answers, the key ${marker} exists if it was done (and the dead letter is gone from ${queue}'s dead letters)`,
      });
    }
  }

  /** Removes a dead letter for good, atomically; `beforeChange` as for replay. */
  async discard(
    source: DramatiqSource,
    queue: string,
    key: string,
    beforeChange: BeforeChange = nothingBeforeChange,
  ): Promise<DeadLetter> {
    this.checkQueue(queue);
    const { letter } = await this.connection.run(redis =>
      this.fetchOne(redis, source, queue, key),
    );
    await beforeChange(letter);
    const k = this.keys(queue);
    const marker = this.markerOf(randomUUID());
    const done = await this.settled('discard', queue, key, marker, redis =>
      (redis as Redis & DeadLetterCommands).dlqDiscard(
        k.xq,
        k.xqMsgs,
        marker,
        key,
        MARKER_TTL_S,
      ),
    );
    if (!done) {
      throw gone(queue, key, this.options.deadMessageTtlMs, letter);
    }
    this.actors.delete(`${queue}\n${key}`);
    return letter;
  }
}

/**
 * A dead letter that is not (or no longer) there. Besides a replay or
 * discard, Dramatiq's own maintenance deletes dead letters older than its
 * dead_message_ttl (dispatch.lua: ZRANGEBYSCORE <q>.XQ 0 now-ttl, on a
 * fraction of the workers' commands): the answer names both.
 */
function gone(
  queue: string,
  key: string,
  deadMessageTtlMs: number,
  letter?: DeadLetter,
) {
  const ttl = `dead_message_ttl (${duration(deadMessageTtlMs)})`;
  const expiresAt = letter?.expiresAt;
  if (expiresAt && Date.parse(expiresAt) <= Date.now()) {
    return new NotFoundError(
      `No dead letter ${key} on queue ${queue}: it expired at ${expiresAt} by its ${ttl} and Dramatiq deleted it, or it was replayed or discarded`,
    );
  }
  return new NotFoundError(
    `No dead letter ${key} on queue ${queue}: already replayed or discarded, or deleted by Dramatiq once older than its ${ttl}`,
  );
}

/** 604800000 → "7 days", 3000 → "3 s". */
function duration(ms: number): string {
  const units: [number, string, string][] = [
    [86_400_000, ' day', ' days'],
    [3_600_000, ' h', ' h'],
    [60_000, ' min', ' min'],
    [1000, ' s', ' s'],
  ];
  for (const [size, one, many] of units) {
    if (ms >= size && ms % size === 0) {
      return `${ms / size}${ms === size ? one : many}`;
    }
  }
  return `${ms} ms`;
}
