import type { Redis } from 'ioredis';

/**
 * A job that failed its last attempt (or failed in a way retrying cannot fix),
 * with what seed 8.6.7 asks to keep: original queue, failure reason, stack
 * trace, attempt count and times. Job payloads carry identifiers only, never
 * personal data, so a dead letter can be shown in the portal as is.
 */
export interface DeadLetter {
  /** `<queue>/<job id>`: the field in the Redis hash. */
  id: string;
  queue: string;
  jobId: string;
  jobName: string;
  data: unknown;
  failedReason: string;
  stacktrace: string[];
  attemptsMade: number;
  /** The job's retry policy, so a replay (here or from the portal) adds it back the same way. */
  attempts: number;
  backoffMs: number;
  enqueuedAt: string;
  deadLetteredAt: string;
}

/**
 * The job id a replayed dead letter is added under, the same in this service
 * and in the portal (plugins/dlq-backend): one per dead-lettering of a job,
 * so a replay asked twice (or by both) adds one job.
 */
export function replayJobId(letter: Pick<DeadLetter, 'jobId' | 'deadLetteredAt'>): string {
  return `${letter.jobId}-replay-${Date.parse(letter.deadLetteredAt)}`;
}

/**
 * Dead letters live in one Redis hash per service, `<service>:dead-letter`,
 * so the portal (and the `npm run dead-letters` command) can count, list,
 * replay and discard them without knowing BullMQ's key layout. HLEN gives the
 * count; each value is one DeadLetter as JSON.
 */
export class DeadLetterStore {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
  ) {}

  async add(letter: DeadLetter): Promise<void> {
    await this.redis.hset(this.key, letter.id, JSON.stringify(letter));
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const raw = await this.redis.hget(this.key, id);
    return raw ? (JSON.parse(raw) as DeadLetter) : undefined;
  }

  async list(): Promise<DeadLetter[]> {
    const all = await this.redis.hvals(this.key);
    return all
      .map(raw => JSON.parse(raw) as DeadLetter)
      .sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt));
  }

  /** Returns whether there was such a dead letter. */
  async remove(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key, id)) === 1;
  }

  /** Dead letters per queue, from the hash fields alone (no payloads read). */
  async countByQueue(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const field of await this.redis.hkeys(this.key)) {
      const queue = field.slice(0, field.indexOf('/'));
      counts.set(queue, (counts.get(queue) ?? 0) + 1);
    }
    return counts;
  }
}
