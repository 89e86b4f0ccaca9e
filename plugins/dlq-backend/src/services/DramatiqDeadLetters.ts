import { InputError, NotFoundError } from '@backstage/errors';
import {
  DeadLetter,
  DeadLetterList,
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
import { ValkeyConnection } from './ValkeyConnection';

/**
 * Replay, as one step: claim the dead letter (ZREM succeeds for one caller
 * only), drop its message, then enqueue the new message the way Dramatiq's
 * `enqueue` does (HSET <q>.msgs, RPUSH <q>).
 * KEYS: <q>.XQ, <q>.XQ.msgs, <q>, <q>.msgs; ARGV: dead letter id, new id, new JSON.
 */
const REPLAY_LUA = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
redis.call('RPUSH', KEYS[3], ARGV[2])
return 1
`;

/** Discard, as one step. KEYS: <q>.XQ, <q>.XQ.msgs; ARGV: dead letter id. */
const DISCARD_LUA = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;

type DeadLetterCommands = {
  dlqReplay(
    xq: string,
    xqMsgs: string,
    queue: string,
    queueMsgs: string,
    key: string,
    newKey: string,
    message: string,
  ): Promise<number>;
  dlqDiscard(xq: string, xqMsgs: string, key: string): Promise<number>;
};

/** ZRANGE and HMGET sizes: a queue may hold thousands of dead letters. */
const RANGE_BATCH = 1000;
const HMGET_BATCH = 500;
/** Dead letters whose actor is remembered (their ids are never reused). */
const MAX_REMEMBERED_ACTORS = 100_000;

type Entry = { queue: string; key: string; score: number };

export interface DramatiqDeadLettersOptions {
  connection: ValkeyConnection;
  namespace: string;
  queues: string[];
  deadMessageTtlMs: number;
  links: LinkTemplate[];
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
      numberOfKeys: 4,
      lua: REPLAY_LUA,
    });
    this.connection.redis.defineCommand('dlqDiscard', {
      numberOfKeys: 2,
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

  /** The source's dead letters: depth per queue and the newest `limit`. */
  async list(
    source: DramatiqSource,
    limit: number,
  ): Promise<Pick<DeadLetterList, 'queues' | 'items' | 'total'>> {
    return this.connection.run(async redis => {
      const { queues, entries } = source.actorPrefix
        ? await this.entriesOfActors(redis, source)
        : await this.newestOfAll(redis, limit);
      const order = new Map(this.options.queues.map((q, i) => [q, i]));
      entries.sort(
        (a, b) =>
          b.score - a.score ||
          order.get(a.queue)! - order.get(b.queue)! ||
          a.key.localeCompare(b.key),
      );
      const items = (await this.read(redis, entries.slice(0, limit))).filter(
        // Removed between the two reads (a replay, Dramatiq's clean-up):
        // on a service's page it is simply gone.
        item => !source.actorPrefix || belongsTo(source, item.actor),
      );
      return {
        queues,
        items,
        total: queues.reduce((sum, q) => sum + q.depth, 0),
      };
    });
  }

  /** Every dead letter: depths from ZCARD, and only the newest are read. */
  private async newestOfAll(redis: Redis, limit: number) {
    const perQueue = await Promise.all(
      this.options.queues.map(async queue => {
        const { xq } = this.keys(queue);
        const [depth, oldest, newest] = await Promise.all([
          redis.zcard(xq),
          redis.zrange(xq, 0, 0, 'WITHSCORES'),
          redis.zrange(xq, 0, limit - 1, 'REV', 'WITHSCORES'),
        ]);
        const entries = pairs(newest).map(([key, score]) => ({
          queue,
          key,
          score,
        }));
        const depthOf: DeadLetterQueueDepth = {
          queue,
          depth,
          oldestDeadLetteredAt: oldest.length
            ? isoFromMs(Number(oldest[1]))
            : undefined,
        };
        return { depthOf, entries };
      }),
    );
    return {
      queues: perQueue.map(p => p.depthOf),
      entries: perQueue.flatMap(p => p.entries),
    };
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
      const results = (await counts.exec()) ?? [];
      let at = 0;
      const next = (): unknown => {
        const [error, value] = results[at++] ?? [];
        // WRONGTYPE and the like: a key that is not what Dramatiq writes.
        if (error) throw error;
        return value;
      };
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

  /** The dead letters of one actor prefix: every message's actor is needed. */
  private async entriesOfActors(redis: Redis, source: DramatiqSource) {
    const queues: DeadLetterQueueDepth[] = [];
    const entries: Entry[] = [];
    for (const queue of this.options.queues) {
      const all = await this.scan(redis, queue);
      const actors = await this.actorsOf(
        redis,
        queue,
        all.map(e => e.key),
      );
      // Newest first, so the last one is the oldest.
      const mine = all.filter(e => belongsTo(source, actors.get(e.key)));
      queues.push({
        queue,
        depth: mine.length,
        oldestDeadLetteredAt: mine.length
          ? isoFromMs(mine[mine.length - 1].score)
          : undefined,
      });
      entries.push(...mine);
    }
    return { queues, entries };
  }

  /** All of a queue's dead letters, newest first, in batches. */
  private async scan(redis: Redis, queue: string): Promise<Entry[]> {
    const { xq } = this.keys(queue);
    const seen = new Set<string>();
    const entries: Entry[] = [];
    for (let start = 0; ; start += RANGE_BATCH) {
      const batch = pairs(
        await redis.zrange(
          xq,
          start,
          start + RANGE_BATCH - 1,
          'REV',
          'WITHSCORES',
        ),
      );
      for (const [key, score] of batch) {
        // Entries added or removed meanwhile shift the ranks: no duplicates.
        if (seen.has(key)) continue;
        seen.add(key);
        entries.push({ queue, key, score });
      }
      if (batch.length < RANGE_BATCH) return entries;
    }
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
    const done = await this.connection.run(redis =>
      (redis as Redis & DeadLetterCommands).dlqReplay(
        k.xq,
        k.xqMsgs,
        k.queue,
        k.msgs,
        key,
        newKey,
        replayedMessage(raw, queue, newKey),
      ),
    );
    // Replayed or discarded by someone else meanwhile.
    if (done !== 1) {
      throw gone(queue, key, this.options.deadMessageTtlMs, letter);
    }
    this.actors.delete(`${queue}\n${key}`);
    return letter;
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
    const done = await this.connection.run(redis =>
      (redis as Redis & DeadLetterCommands).dlqDiscard(k.xq, k.xqMsgs, key),
    );
    if (done !== 1) {
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

/** [member, score, member, score, …] → [[member, score], …] */
function pairs(flat: string[]): [string, number][] {
  const result: [string, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    result.push([flat[i], Number(flat[i + 1])]);
  }
  return result;
}
