/**
 * Real Redis for the tests, and dead letters written exactly as Dramatiq's
 * Redis broker writes them (dispatch.lua): the shared test Redis of
 * scripts/services.sh (LOCALPLUS_REDIS_URL); a private redis-server that a
 * test can stop and start is PrivateRedis of @internal/test-services.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { serviceEnv } from '@internal/test-services';
import Redis from 'ioredis';

// In CI (scripts/test.sh) a missing Redis fails the run; it never skips.
export const redisUrl = serviceEnv('LOCALPLUS_REDIS_URL');
export const describeWithRedis = redisUrl ? describe : describe.skip;

/** A key namespace nobody else uses on the shared Redis. */
export const uniqueNamespace = () =>
  `dramatiq_test_${process.pid}_${randomBytes(3).toString('hex')}`;

/** Deletes every key of a namespace, in SCAN batches. */
export async function deleteNamespace(redis: Redis, namespace: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `${namespace}:*`,
      'COUNT',
      1000,
    );
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Dramatiq's Message.asdict(), as its JSON encoder writes it. */
export type DramatiqMessageJson = {
  queue_name: string;
  actor_name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  options: Record<string, unknown> & { redis_message_id: string };
  message_id: string;
  message_timestamp: number;
};

export function dramatiqMessage(fields: {
  queue: string;
  actor: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  retries?: number;
  traceback?: string;
  enqueuedAt?: number;
  options?: Record<string, unknown>;
}): DramatiqMessageJson {
  return {
    queue_name: fields.queue,
    actor_name: fields.actor,
    args: fields.args ?? [],
    kwargs: fields.kwargs ?? {},
    options: {
      redis_message_id: randomUUID(),
      retries: fields.retries ?? 5,
      traceback:
        fields.traceback ??
        'Traceback (most recent call last):\n  File "/app/worker.py", line 1, in run\npsycopg.OperationalError: connection failed',
      ...fields.options,
    },
    message_id: randomUUID(),
    message_timestamp: fields.enqueuedAt ?? Date.now() - 3_600_000,
  };
}

/** The canonical queue of a message: without Dramatiq's `.DQ` (delayed) suffix. */
const canonical = (queueName: string) => queueName.replace(/\.(DQ|XQ)$/, '');

/** What dispatch.lua's `enqueue` does: HSET <q>.msgs, RPUSH <q>. */
export async function dramatiqEnqueue(
  redis: Redis,
  namespace: string,
  message: DramatiqMessageJson,
) {
  const queue = `${namespace}:${message.queue_name}`;
  const id = message.options.redis_message_id;
  await redis.hset(`${queue}.msgs`, id, JSON.stringify(message));
  await redis.rpush(queue, id);
}

/**
 * What dispatch.lua's `nack` does once a message has exhausted its
 * retries: HSET <q>.XQ.msgs, ZADD <q>.XQ with the time in ms. `raw` stores
 * something other than the message's JSON (a truncated write).
 */
export async function dramatiqNack(
  redis: Redis,
  namespace: string,
  message: DramatiqMessageJson,
  deadLetteredAt: number,
  raw?: string,
): Promise<string> {
  const xq = `${namespace}:${canonical(message.queue_name)}.XQ`;
  const id = message.options.redis_message_id;
  await redis.hset(`${xq}.msgs`, id, raw ?? JSON.stringify(message));
  await redis.zadd(xq, deadLetteredAt, id);
  return id;
}
