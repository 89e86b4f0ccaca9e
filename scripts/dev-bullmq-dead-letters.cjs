#!/usr/bin/env node
/* Dead letters of a golden-path service, made by BullMQ for real: jobs on
 * the service's queues (`<service>-<queue>`, prefix `bull`) fail in a BullMQ
 * worker until their attempts run out, and the last failure is recorded in
 * `<service>:dead-letter` exactly as the generated service's JobSystem does
 * (templates/golden-path/typescript/src/app/infrastructure/jobs/). The
 * service is `svc-rewards-demo` (catalog/development/golden-path-demo.yaml),
 * whose Dead letters tab reads them; replaying one from the portal retries
 * the failed BullMQ job.
 *
 *   node scripts/dev-bullmq-dead-letters.cjs [redis-url]   (make start does it)
 */
const { Queue, Worker, UnrecoverableError } = require('bullmq');
const Redis = require('ioredis');

const url = process.argv[2] || 'redis://127.0.0.1:54379/3';
const SERVICE = 'svc-rewards-demo';
const PREFIX = 'bull';

/** [queue, job name, data, attempts, backoff ms, error] */
const JOBS = [
  ['critical', 'rewards.credit_points', { accountId: 'acc_7f3a91', points: 120, orderId: 'ord_5521' }, 3, 20, () => new Error('ledger answered 503: svc-ledger unavailable')],
  ['critical', 'rewards.credit_points', { accountId: 'acc_0c44e2', points: 45, orderId: 'ord_5530' }, 3, 20, () => new Error('ledger answered 503: svc-ledger unavailable')],
  ['default', 'rewards.expire_points', { accountId: 'acc_19be07', batch: '2026-12' }, 5, 20, () => new Error('deadlock detected while locking rewards.balances')],
  ['low', 'rewards.send_statement', { accountId: 'acc_5d2c18' }, 2, 20, () => new UnrecoverableError('statement template "monthly-v3" does not exist')],
];

async function main() {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const key = `${SERVICE}:dead-letter`;
  await redis.del(key);
  const queues = new Map();
  const workers = [];
  let pending = JOBS.length;
  let done;
  const finished = new Promise(resolve => (done = resolve));
  for (const name of new Set(JOBS.map(j => j[0]))) {
    const queueName = `${SERVICE}-${name}`;
    const queue = new Queue(queueName, { connection: redis.duplicate(), prefix: PREFIX });
    await queue.obliterate({ force: true });
    queues.set(name, queue);
    const worker = new Worker(
      queueName,
      async job => {
        const spec = JOBS.find(j => j[1] === job.name && JSON.stringify(j[2]) === JSON.stringify(job.data));
        const error = spec[5]();
        const last = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (last) {
          // The record the generated service's JobSystem writes (dead-letters.ts).
          const letter = {
            id: `${name}/${job.id}`,
            queue: name,
            jobId: job.id,
            jobName: job.name,
            data: job.data,
            failedReason: error.message,
            stacktrace: (error.stack ?? '').split('\n').slice(0, 20),
            attemptsMade: job.attemptsMade + 1,
            attempts: job.opts.attempts ?? 1,
            backoffMs: job.opts.backoff?.delay ?? 0,
            enqueuedAt: new Date(job.timestamp).toISOString(),
            deadLetteredAt: new Date().toISOString(),
          };
          await redis.hset(key, letter.id, JSON.stringify(letter));
          if (--pending === 0) done();
        }
        throw error;
      },
      { connection: redis.duplicate({ maxRetriesPerRequest: null }), prefix: PREFIX },
    );
    workers.push(worker);
  }
  for (const [name, jobName, data, attempts, backoff] of JOBS) {
    await queues.get(name).add(jobName, data, { attempts, backoff: { type: 'exponential', delay: backoff } });
  }
  const timeout = setTimeout(() => {
    console.error(`dev-bullmq-dead-letters: ${pending} jobs still retrying after 20 s`);
    process.exit(1);
  }, 20_000);
  await finished;
  clearTimeout(timeout);
  await Promise.all(workers.map(w => w.close()));
  await Promise.all([...queues.values()].map(q => q.close()));
  console.log(`dev-bullmq-dead-letters: ${await redis.hlen(key)} dead letters of ${SERVICE} in ${url} (BullMQ)`);
  // The duplicated connections handed to BullMQ stay open: end here.
  process.exit(0);
}

main().catch(e => {
  console.error(`dev-bullmq-dead-letters: ${e.message}`);
  process.exit(1);
});
