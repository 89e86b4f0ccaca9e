#!/usr/bin/env node
/* Dead letters in Dramatiq's own Redis layout, written by hand, so the
 * end-to-end tests have a known state (fixed ids, ages and one unreadable
 * entry). make start makes its demo dead letters with real Dramatiq actors
 * instead (plugins/dlq-backend/dramatiq/localplus_dramatiq.py demo), and
 * the plugin's tests check this layout against what Dramatiq writes
 * (plugins/dlq-backend/src/dramatiq.integration.test.ts):
 *
 *   bash scripts/services.sh start && source .tmp/services/env
 *   node scripts/dev-dead-letters.cjs [redis-url] [namespace]
 *
 * Defaults: the test services' Redis, database 3 (what app-config.yaml
 * reads), namespace `dramatiq`. The namespace's keys are deleted first, so
 * every run starts from the same state.
 *
 * What Dramatiq's Redis broker does when a task exhausts its retries
 * (dispatch.lua, command `nack`): HSET <ns>:<queue>.XQ.msgs <redis id>
 * <message JSON>, ZADD <ns>:<queue>.XQ <time in ms> <redis id>. The message
 * JSON is Dramatiq's Message.asdict(): queue_name, actor_name, args, kwargs,
 * options (redis_message_id, retries, traceback), message_id,
 * message_timestamp. As Dramatiq 2.2 writes it, `retries` is the actor's
 * max_retries and `traceback` that of the last attempt that was retried. */
const Redis = require('ioredis');
const { randomUUID } = require('node:crypto');

const url =
  process.argv[2] ||
  `${(process.env.LOCALPLUS_REDIS_URL || 'redis://127.0.0.1:56379').replace(/\/\d*$/, '')}/3`;
const namespace = process.argv[3] || 'dramatiq';
const QUEUES = ['critical', 'high', 'default', 'low', 'scheduled'];

const minutes = m => m * 60_000;

const traceback = (frames, error) =>
  [
    'Traceback (most recent call last):',
    '  File "/app/.venv/lib/python3.12/site-packages/dramatiq/worker.py", line 513, in process_message',
    '    res = actor(*message.args, **message.kwargs)',
    ...frames,
    error,
  ].join('\n');

const DB_DOWN = traceback(
  [
    '  File "/app/src/app/infrastructure/postgres/session.py", line 41, in transaction',
    '    async with self._pool.connection() as conn:',
  ],
  'psycopg.OperationalError: connection failed: server closed the connection unexpectedly',
);
const KAFKA_TIMEOUT = traceback(
  [
    '  File "/app/src/app/infrastructure/events/publisher.py", line 58, in publish',
    '    await self._producer.send_and_wait(topic, value, key=key)',
  ],
  'aiokafka.errors.KafkaTimeoutError: KafkaTimeoutError',
);
const PROVIDER_5XX = traceback(
  [
    '  File "/app/src/app/infrastructure/email/sendgrid.py", line 77, in send',
    '    response.raise_for_status()',
  ],
  'httpx.HTTPStatusError: Server error \'503 Service Unavailable\' for url \'https://api.sendgrid.com/v3/mail/send\'',
);

/** [queue, actor, args, kwargs, retries, traceback, dead-lettered minutes ago] */
const DEAD_LETTERS = [
  ['critical', 'ledger.rollback_transaction', ['5b0c2a4e-8f1d-4a43-9a57-2f0f4c7f1a10'], { reason: 'burn_failed' }, 5, DB_DOWN, 42],
  ['critical', 'ledger.rollback_transaction', ['c1f4e0b2-3d5a-4b7e-8e6f-9a0b1c2d3e4f'], { reason: 'burn_failed' }, 5, DB_DOWN, 40],
  ['critical', 'ledger.raise_fraud_alert', ['7e3f9a12-0b4c-4d5e-8f60-1a2b3c4d5e6f'], { score: 0.97 }, 3, KAFKA_TIMEOUT, 95],
  ...Array.from({ length: 12 }, (_, i) => [
    'high',
    'wallet.publish_balance_updated',
    [`0a1b2c3d-0000-4000-8000-${String(i).padStart(12, '0')}`],
    { version: 40 + i },
    20,
    KAFKA_TIMEOUT,
    180 - i * 5,
  ]),
  // What confirmations really carry (as localplus_dramatiq.py's demo): the portal masks it.
  [
    'high',
    'notification.send_email_confirmation',
    ['e-41d7'],
    { to: 'claire.martin@example.fr', gift_card: '4111 1111 1111 1111', refund_iban: 'FR76 3000 6000 0112 3456 7890 189' },
    20,
    PROVIDER_5XX,
    15,
  ],
  ['default', 'notification.send_sms_confirmation', ['s-9c20'], { to: '+33 6 12 34 56 78' }, 20, PROVIDER_5XX, 600],
];

async function main() {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const keys = [];
    for (const q of QUEUES) {
      keys.push(`${namespace}:${q}`, `${namespace}:${q}.msgs`, `${namespace}:${q}.XQ`, `${namespace}:${q}.XQ.msgs`);
    }
    await redis.del(...keys);
    const now = Date.now();
    const multi = redis.multi();
    for (const [queue, actor, args, kwargs, retries, tb, ago] of DEAD_LETTERS) {
      const redisId = randomUUID();
      const deadAt = now - minutes(ago);
      const message = {
        queue_name: queue,
        actor_name: actor,
        args,
        kwargs,
        options: { redis_message_id: redisId, retries, traceback: tb },
        message_id: randomUUID(),
        message_timestamp: deadAt - minutes(30),
      };
      multi.hset(`${namespace}:${queue}.XQ.msgs`, redisId, JSON.stringify(message));
      multi.zadd(`${namespace}:${queue}.XQ`, deadAt, redisId);
    }
    // A stored message that is not Dramatiq JSON (a truncated write): the
    // portal lists it on the platform view and lets on-call discard it.
    const broken = randomUUID();
    multi.hset(`${namespace}:default.XQ.msgs`, broken, '{"queue_name": "default", "actor_na');
    multi.zadd(`${namespace}:default.XQ`, now - minutes(300), broken);
    await multi.exec();
    const safeUrl = url.replace(/\/\/[^@/]*@/, '//***@');
    console.log(`dev-dead-letters: ${DEAD_LETTERS.length + 1} dead letters in ${safeUrl}, namespace ${namespace}`);
  } finally {
    redis.disconnect();
  }
}

main().catch(error => {
  console.error(`dev-dead-letters: ${error.message}`);
  process.exit(1);
});
