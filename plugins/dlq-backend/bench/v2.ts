/*
 * Benchmarks of dead letters v2, against a real redis-server (Debian's,
 * started here on a free port), each beside the least Redis work the same
 * answer needs:
 *
 *   node --expose-gc --require @backstage/cli/config/nodeTransform.cjs plugins/dlq-backend/bench/v2.ts
 *   (or bash scripts/bench.sh, among the portal's figures)
 *
 * 1. The summary on-call reads (the card, the On call page): dead-letter
 *    counts and backlog of 6 queues (list with limit 1, and backlog, at
 *    once), p50/p95, beside one raw ioredis pipeline of the same commands.
 * 2. Bulk replay throughput (BulkJobs, audited on SQLite, pace unlimited)
 *    beside a raw loop of the replay Lua script (no audit, no checks).
 * 3. Memory while listing 1,000,000 dead letters: a service's first page
 *    (actor filter) and the platform's, peak heap growth sampled every
 *    5 ms, with the time each took.
 * BENCH_SHORT=1: small sizes, 2 runs (make test: fails on any error).
 */
import { mockServices } from '@backstage/backend-test-utils';
import { PrivateRedis } from '@internal/test-services';
import Redis from 'ioredis';
import knexFactory from 'knex';
import { randomUUID } from 'node:crypto';
import { ActionLog } from '../src/services/ActionLog';
import { BulkJobs } from '../src/services/BulkJobs';
import { DramatiqDeadLetters } from '../src/services/DramatiqDeadLetters';
import { ValkeyConnection } from '../src/services/ValkeyConnection';
import { ms, timeRuns } from './timing';

const SHORT = Boolean(process.env.BENCH_SHORT);
const RUNS = SHORT ? 2 : 50;
const QUEUES = ['critical', 'high', 'default', 'low', 'scheduled', 'bulk'];
const SUMMARY_LETTERS = SHORT ? 600 : 60_000;
const WAITING_PER_QUEUE = SHORT ? 50 : 1000;
const WORKERS = 4;
const BULK_LETTERS = SHORT ? 200 : 5000;
const MILLION = Number(
  process.env.BENCH_DLQ_MILLION ?? (SHORT ? 20_000 : 1_000_000),
);

/**
 * Dead letters written by Redis itself (one Lua call per 20,000): fast
 * enough to seed a million. One in `ledgerEvery` is svc-ledger's.
 */
const SEED_LUA = `
local queue, xq, msgs = ARGV[1], KEYS[1], KEYS[2]
local from, to, now, ledgerEvery = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
for i = from, to do
  local id = 'dl-' .. queue .. '-' .. i
  local actor = (i % ledgerEvery == 0) and 'ledger.rollback_transaction' or 'wallet.publish_balance_updated'
  local msg = '{"queue_name":"' .. queue .. '","actor_name":"' .. actor .. '","args":["t-' .. i .. '"],"kwargs":{},"options":{"redis_message_id":"' .. id .. '","retries":5,"traceback":"psycopg.OperationalError: connection failed"},"message_id":"m-' .. i .. '","message_timestamp":' .. (now - i - 60000) .. '}'
  redis.call('HSET', msgs, id, msg)
  redis.call('ZADD', xq, now - i, id)
end
return to - from + 1
`;

async function seedDeadLetters(
  redis: Redis,
  queue: string,
  n: number,
  ledgerEvery = 100,
) {
  const now = Date.now();
  for (let from = 0; from < n; from += 20_000) {
    await redis.eval(
      SEED_LUA,
      2,
      `dramatiq:${queue}.XQ`,
      `dramatiq:${queue}.XQ.msgs`,
      queue,
      from,
      Math.min(n, from + 20_000) - 1,
      now,
      ledgerEvery,
    );
  }
}

async function seedBacklog(redis: Redis) {
  const pipeline = redis.pipeline();
  for (const queue of QUEUES) {
    for (let i = 0; i < WAITING_PER_QUEUE; i++) {
      const id = randomUUID();
      pipeline.hset(
        `dramatiq:${queue}.msgs`,
        id,
        JSON.stringify({
          queue_name: queue,
          actor_name: 'wallet.publish_balance_updated',
          args: [],
          kwargs: {},
          options: { redis_message_id: id },
          message_id: randomUUID(),
          message_timestamp: Date.now() - i * 1000,
        }),
      );
      pipeline.rpush(`dramatiq:${queue}`, id);
    }
    for (let w = 0; w < WORKERS; w++) {
      pipeline.sadd(`dramatiq:__acks__.w${w}.${queue}`, `a-${w}`, `b-${w}`);
    }
  }
  for (let w = 0; w < WORKERS; w++) {
    pipeline.zadd('dramatiq:__heartbeats__', Date.now(), `w${w}`);
  }
  await pipeline.exec();
}

function storeOn(connection: ValkeyConnection) {
  return new DramatiqDeadLetters({
    connection,
    namespace: 'dramatiq',
    queues: QUEUES,
    deadMessageTtlMs: 7 * 24 * 3600_000,
    links: [],
    scanBudget: 20_000,
    countBudget: 100_000,
  });
}

async function summary(redis: Redis, connection: ValkeyConnection) {
  for (const queue of QUEUES) {
    await seedDeadLetters(redis, queue, SUMMARY_LETTERS / QUEUES.length);
  }
  await seedBacklog(redis);
  const store = storeOn(connection);
  const all = { broker: 'dramatiq' as const };
  const portal = await timeRuns(RUNS, () =>
    Promise.all([store.list(all, { limit: 1 }), store.backlog()]),
  );
  const raw = await timeRuns(RUNS, async () => {
    const workers = await redis.zrange('dramatiq:__heartbeats__', 0, -1);
    const p = redis.pipeline();
    for (const q of QUEUES) {
      p.zcard(`dramatiq:${q}.XQ`);
      p.zrange(`dramatiq:${q}.XQ`, 0, 0, 'WITHSCORES');
      p.zrange(`dramatiq:${q}.XQ`, -1, -1, 'WITHSCORES');
      p.llen(`dramatiq:${q}`);
      p.llen(`dramatiq:${q}.DQ`);
      p.lindex(`dramatiq:${q}`, 0);
      for (const w of workers) {
        p.scard(`dramatiq:__acks__.${w}.${q}`);
        p.scard(`dramatiq:__acks__.${w}.${q}.DQ`);
      }
    }
    const results = (await p.exec()) ?? [];
    const heads = QUEUES.map(
      (q, i) => [q, results[i * (6 + 2 * workers.length) + 5][1]] as const,
    );
    const h = redis.pipeline();
    for (const [q, head] of heads)
      if (head) h.hget(`dramatiq:${q}.msgs`, head as string);
    await h.exec();
  });
  console.log(
    `1. summary of ${QUEUES.length} queues (${SUMMARY_LETTERS} dead letters, ${WAITING_PER_QUEUE} waiting each, ${WORKERS} workers), ${RUNS} runs, p50 / p95 ms`,
  );
  console.log(`   portal: list (limit 1) + backlog, at once     ${portal}`);
  console.log(`   raw: one ioredis pipeline + heads              ${raw}`);
  await redis.flushall();
}

async function bulk(redis: Redis, connection: ValkeyConnection) {
  await seedDeadLetters(redis, 'critical', BULK_LETTERS, 1);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const logger = mockServices.rootLogger({ level: 'error' });
  try {
    const actions = await ActionLog.create({
      getClient: async () => knex,
    } as any);
    const jobs = await BulkJobs.create({ knex, actions, logger });
    const store = storeOn(connection);
    const source = { broker: 'dramatiq' as const, actorPrefix: 'ledger.' };
    const audit = { success: async () => {}, fail: async () => {} };
    const start = process.hrtime.bigint();
    const job = await jobs.start({
      request: {
        entityRef: 'component:default/svc-ledger',
        action: 'replay',
        selection: { filter: {} },
        ratePerSecond: 1_000_000,
      },
      entityRef: 'component:default/svc-ledger',
      by: 'user:default/bench',
      store: {
        list: q => store.list(source, q),
        backlog: () => store.backlog(),
        replay: (q, k, b) => store.replay(source, q, k, b),
        discard: (q, k, b) => store.discard(source, q, k, b),
      },
      queryOf: () => ({}),
      audit,
    });
    await jobs.settled(job.id);
    const portalMs = ms(start);
    const done = (await jobs.get(job.id))!;
    if (done.done !== BULK_LETTERS) {
      throw new Error(`bulk replayed ${done.done} of ${BULK_LETTERS}`);
    }

    // The raw loop: the same script, one dead letter after the other.
    await redis.flushall();
    await seedDeadLetters(redis, 'critical', BULK_LETTERS, 1);
    const ids = await redis.zrange('dramatiq:critical.XQ', 0, -1);
    const rawStart = process.hrtime.bigint();
    for (const id of ids) {
      const newId = randomUUID();
      await redis.eval(
        `if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
         local m = redis.call('HGET', KEYS[2], ARGV[1])
         redis.call('HDEL', KEYS[2], ARGV[1])
         redis.call('HSET', KEYS[4], ARGV[2], m)
         redis.call('RPUSH', KEYS[3], ARGV[2])
         return 1`,
        4,
        'dramatiq:critical.XQ',
        'dramatiq:critical.XQ.msgs',
        'dramatiq:critical',
        'dramatiq:critical.msgs',
        id,
        newId,
      );
    }
    const rawMs = ms(rawStart);
    console.log(
      `2. bulk replay of ${BULK_LETTERS} dead letters, dead letters per second`,
    );
    console.log(
      `   portal: BulkJobs (read, check, audit row, Lua, row done)  ${(
        (BULK_LETTERS * 1000) /
        portalMs
      ).toFixed(0)}`,
    );
    console.log(
      `   raw: the replay Lua script in a loop, no audit           ${(
        (BULK_LETTERS * 1000) /
        rawMs
      ).toFixed(0)}`,
    );
  } finally {
    await knex.destroy();
    await redis.flushall();
  }
}

async function million(redis: Redis, connection: ValkeyConnection) {
  const seedStart = process.hrtime.bigint();
  await seedDeadLetters(redis, 'default', MILLION, 1000);
  const seedMs = ms(seedStart);
  const store = storeOn(connection);
  const measure = async (what: string, fn: () => Promise<unknown>) => {
    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 5);
    const start = process.hrtime.bigint();
    const result = await fn();
    const took = ms(start);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    console.log(
      `   ${what.padEnd(52)} ${took.toFixed(0).padStart(6)} ms, peak heap +${(
        (peak - base) /
        1024 /
        1024
      ).toFixed(1)} MiB`,
    );
    return result;
  };
  console.log(
    `3. listing among ${MILLION.toLocaleString(
      'en-US',
    )} dead letters on one queue (seeded in ${(seedMs / 1000).toFixed(
      1,
    )} s), RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(
      0,
    )} MiB before`,
  );
  await measure('platform view, page of 200 (exact counts: ZCOUNT)', () =>
    store.list({ broker: 'dramatiq' }, { limit: 200 }),
  );
  const ledger = (await measure(
    "svc-ledger's page of 200 (1 in 1,000; budgets 20k / 100k)",
    () =>
      store.list(
        { broker: 'dramatiq', actorPrefix: 'ledger.' },
        { limit: 200 },
      ),
  )) as Awaited<ReturnType<typeof store.list>>;
  await measure('filter on error text, page of 50', () =>
    store.list(
      { broker: 'dramatiq' },
      { limit: 50, matches: l => (l.traceback ?? '').includes('nowhere') },
    ),
  );
  console.log(
    `   svc-ledger's page: ${ledger.items.length} items, counted ${
      ledger.total
    }${
      ledger.exact ? '' : ' (a lower bound: count budget reached)'
    }, next page ${ledger.nextCursor ? 'yes' : 'no'}; RSS ${(
      process.memoryUsage().rss /
      1024 /
      1024
    ).toFixed(0)} MiB after`,
  );
}

async function main() {
  const server = new PrivateRedis();
  await server.start();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const connection = new ValkeyConnection({
    url: server.url,
    connectTimeoutMs: 2000,
    commandTimeoutMs: 30_000,
    logger: mockServices.rootLogger({ level: 'error' }),
  });
  try {
    await summary(redis, connection);
    await bulk(redis, connection);
    await million(redis, connection);
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
