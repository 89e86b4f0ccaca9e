/*
 * Benchmark of the dead-letter list for one service among many dead letters,
 * against a real redis-server (Debian's, started here on a free port):
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs plugins/dlq-backend/bench/list.ts
 *   (or bash scripts/bench.sh, which runs it among the portal's figures)
 *
 * BENCH_DLQ_LETTERS dead letters (default 10,000) over three queues, 1 % of
 * them from svc-ledger's actors (`ledger.*`). It prints, for the store the
 * routes use:
 *  - the first listing of svc-ledger's dead letters (every message is read
 *    once, to learn its actor), then the p50/p95 of the next ones;
 *  - the p50/p95 of the platform view (every queue, newest 200);
 * and beside them the p50/p95 of the least Redis work the same answer needs,
 * sent straight with ioredis: ZRANGE of every queue with scores, then HMGET
 * of every message (what filtering by actor costs without a cache).
 * Also the heap growth once the actors are cached. Figures, not a test.
 * BENCH_SHORT=1: 300 letters, 2 runs (make test: fails on any error).
 */
import { mockServices } from '@backstage/backend-test-utils';
import { PrivateRedis } from '@internal/test-services';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DramatiqDeadLetters } from '../src/services/DramatiqDeadLetters';
import { ValkeyConnection } from '../src/services/ValkeyConnection';
import { ms, timeRuns } from './timing';

const SHORT = Boolean(process.env.BENCH_SHORT);
const LETTERS = Number(process.env.BENCH_DLQ_LETTERS ?? (SHORT ? 300 : 10_000));
const RUNS = Number(process.env.BENCH_DLQ_RUNS ?? (SHORT ? 2 : 30));
const QUEUES = ['critical', 'high', 'default'];

async function seed(redis: Redis) {
  const now = Date.now();
  const pipeline = redis.pipeline();
  for (let i = 0; i < LETTERS; i++) {
    const queue = QUEUES[i % QUEUES.length];
    const id = randomUUID();
    const message = {
      queue_name: queue,
      actor_name:
        i % 100 === 0
          ? 'ledger.rollback_transaction'
          : 'wallet.publish_balance_updated',
      args: [randomUUID()],
      kwargs: { reason: 'burn_failed' },
      options: {
        redis_message_id: id,
        retries: 5,
        traceback: `Traceback (most recent call last):\n${'  File "/app/x.py", line 1, in f\n'.repeat(
          20,
        )}psycopg.OperationalError: connection failed`,
      },
      message_id: randomUUID(),
      message_timestamp: now - i * 1000 - 60_000,
    };
    pipeline.hset(`dramatiq:${queue}.XQ.msgs`, id, JSON.stringify(message));
    pipeline.zadd(`dramatiq:${queue}.XQ`, now - i * 1000, id);
  }
  await pipeline.exec();
}

async function main() {
  const server = new PrivateRedis();
  await server.start();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const connection = new ValkeyConnection({
    url: server.url,
    connectTimeoutMs: 2000,
    commandTimeoutMs: 5000,
    logger: mockServices.rootLogger({ level: 'error' }),
  });
  try {
    await seed(redis);
    const store = new DramatiqDeadLetters({
      connection,
      namespace: 'dramatiq',
      queues: ['critical', 'high', 'default', 'low', 'scheduled'],
      deadMessageTtlMs: 7 * 24 * 3600_000,
      links: [],
      scanBudget: 20_000,
      countBudget: 1_000_000,
    });
    const ledger = { broker: 'dramatiq' as const, actorPrefix: 'ledger.' };
    const all = { broker: 'dramatiq' as const };

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const start = process.hrtime.bigint();
    const first = await store.list(ledger, { limit: 1000 });
    const firstMs = ms(start);
    // One letter in 100 is svc-ledger's (seed).
    if (first.total !== Math.ceil(LETTERS / 100)) {
      throw new Error(`svc-ledger's listing found ${first.total} letters`);
    }
    global.gc?.();
    const heapGrowth =
      (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    const warm = await timeRuns(RUNS, () =>
      store.list(ledger, { limit: 1000 }),
    );
    const platform = await timeRuns(RUNS, () =>
      store.list(all, { limit: 200 }),
    );
    const raw = await timeRuns(RUNS, async () => {
      for (const queue of QUEUES) {
        const entries = await redis.zrange(
          `dramatiq:${queue}.XQ`,
          0,
          -1,
          'WITHSCORES',
        );
        const ids = entries.filter((_, i) => i % 2 === 0);
        for (let i = 0; i < ids.length; i += 500) {
          await redis.hmget(
            `dramatiq:${queue}.XQ.msgs`,
            ...ids.slice(i, i + 500),
          );
        }
      }
    });

    console.log(
      `dead letters: ${LETTERS} (svc-ledger's: ${first.total}), ${RUNS} runs each, p50 / p95 ms`,
    );
    console.log(
      `  svc-ledger, first listing (reads every message once) ${firstMs.toFixed(
        1,
      )}`,
    );
    console.log(
      `  svc-ledger, next listings                             ${warm}`,
    );
    console.log(
      `  platform view, newest 200                             ${platform}`,
    );
    console.log(
      `  raw ZRANGE + HMGET of every message (ioredis)         ${raw}`,
    );
    console.log(
      `  heap growth with every actor cached                   ${heapGrowth.toFixed(
        1,
      )} MiB${
        global.gc ? '' : ' (run node with --expose-gc for a steadier figure)'
      }`,
    );
  } finally {
    redis.disconnect();
    await connection.close();
    await server.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
