import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { requireEnv } from './env';

/** A Redis key prefix of its own for one test file (REDIS_URL may be shared). */
export function testNamespace(): string {
  return `test-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key of a namespace. */
export async function deleteNamespace(namespace: string): Promise<void> {
  const redis = new Redis(requireEnv('REDIS_URL'));
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
