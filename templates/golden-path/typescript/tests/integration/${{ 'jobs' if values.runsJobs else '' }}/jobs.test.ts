import { randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../../src/app/infrastructure/logger';
import { Metrics } from '../../../src/app/infrastructure/metrics';
import { JobSystem } from '../../../src/app/infrastructure/jobs/job-system';
{%- if values.ownsTables %}
import { BALANCE_THRESHOLD_CHECK } from '../../../src/app/infrastructure/jobs/definitions';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
{%- else %}
import { POINTS_QUOTED } from '../../../src/app/infrastructure/jobs/definitions';
{%- endif %}
import { requireEnv } from '../../support/env';
{%- if values.publishesEvents %}
import { RecordingPublisher } from '../../support/recording-publisher';
{%- endif %}
import { deleteNamespace, testNamespace } from '../../support/redis';
import { request, sampleValue, startTestApp, type TestApp } from '../../support/test-app';

/** BullMQ on a real Redis: the starter job, retries with backoff, dead letters, replay. */
describe('background jobs', () => {
  const namespace = testNamespace();
  const redisUrl = requireEnv('REDIS_URL');
  let service: TestApp;
{%- if values.ownsTables %}
  let database: TestDatabase;
{%- endif %}
  let redis: Redis;

  beforeAll(async () => {
{%- if values.ownsTables %}
    database = await createTestDatabase();
{%- endif %}
    redis = new Redis(redisUrl);
    service = await startTestApp({% if values.ownsTables %}{ DATABASE_URL: database.url }{% else %}{}{% endif %}, {
      redisNamespace: namespace,
{%- if values.publishesEvents %}
      // Background work runs (the workers are under test); the outbox relay
      // with it, so it gets somewhere to publish.
      publisher: new RecordingPublisher(),
{%- endif %}
    });
  });

  afterAll(async () => {
    await service?.stop();
    redis?.disconnect();
{%- if values.ownsTables %}
    await database?.drop();
{%- endif %}
    await deleteNamespace(namespace);
  });

  /** Waits until a job of `jobs` (Redis namespace `ns`) is completed or failed, and returns it. */
  const settled = async (jobs: JobSystem, ns: string, queue: 'critical' | 'high' | 'default' | 'low', jobId: string) => {
    const q = new Queue(jobs.queueName(queue), { connection: redis, prefix: `${ns}:bull` });
    try {
      let job: Job | undefined;
      await expect
        .poll(
          async () => {
            job = await Job.fromId(q, jobId);
            return job ? await job.getState() : 'missing';
          },
          { timeout: 15_000, interval: 50 },
        )
        .toMatch(/^(completed|failed)$/);
      return (await Job.fromId(q, jobId))!;
    } finally {
      await q.close();
    }
  };
{%- if values.ownsTables %}

  it('runs balance-threshold-check after a debit', async () => {
    const account = await request(service.baseUrl, 'POST', '/v1/accounts', { body: { currency: 'EUR', ownerId: 'member-1' } });
    const post = (type: string, amount: number) =>
      request(service.baseUrl, 'POST', `/v1/accounts/${account.body.id}/transactions`, {
        body: { type, amount, currency: 'EUR', reference: 'order-1' },
        headers: { 'idempotency-key': randomUUID() },
      });
    await post('credit', 1_500);
    const debit = await post('debit', 1_000);
    expect(debit.status).toBe(201);

    const job = await settled(service.app.jobs, namespace, 'default', `btc-${debit.body.id}`);
    expect(job.name).toBe(BALANCE_THRESHOLD_CHECK);
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ accountId: account.body.id, checked: true, balance: 500, low: true });
  });
{%- else %}

  it('tallies quoted points with the points-quoted job', async () => {
    const quote = await request(service.baseUrl, 'POST', '/v1/quotes/points', {
      body: { amount: 10_000, currency: 'EUR', tier: 'gold' },
    });
    expect(quote.status).toBe(200);
    const day = new Date().toISOString().slice(0, 10);
    await expect
      .poll(() => redis.hget(`${service.app.jobs.keyPrefix}:${POINTS_QUOTED}:${day}`, 'gold'), { timeout: 15_000 })
      .toBe('200');
    const metrics = await request(service.managementUrl, 'GET', '/metrics');
    expect(sampleValue(metrics.text, 'jobs_processed_total', { queue: 'low', outcome: 'completed' })).toBe(1);
    expect(sampleValue(metrics.text, 'job_queue_jobs', { queue: 'low', state: 'waiting' })).toBe(0);
  });
{%- endif %}

  describe('failures', () => {
    let jobs: JobSystem;
    let metrics: Metrics;
    const attemptTimes = new Map<string, number[]>();
    const healed = new Set<string>();

    beforeAll(() => {
      metrics = new Metrics({ defaultMetrics: false });
      jobs = new JobSystem({
        redisUrl,
        serviceName: ${{ values.name | dump }},
        metrics,
        logger: createLogger({ level: 'silent', serviceName: 'test' }),
        namespace: `${namespace}-failures`,
      });
      // Real jobs that fail on purpose, run by the real worker on real Redis.
      jobs.define(
        {
          name: 'flaky',
          queue: 'high',
          attempts: 4,
          backoffMs: 200,
          schema: z.object({ id: z.string() }),
          async handle({ id }) {
            attemptTimes.set(id, [...(attemptTimes.get(id) ?? []), Date.now()]);
            if (!healed.has(id)) throw new Error(`downstream refused ${id}`);
            return { id, ok: true };
          },
        },
        {
          name: 'strict',
          queue: 'critical',
          attempts: 5,
          backoffMs: 200,
          schema: z.object({ id: z.uuid() }),
          async handle() {
            return 'ran';
          },
        },
      );
      jobs.startWorkers();
    });

    afterAll(async () => {
      await jobs.close();
      await deleteNamespace(`${namespace}-failures`);
    });

    it('retries with exponential backoff, then dead-letters after the last attempt', async () => {
      const id = randomUUID();
      const jobId = await jobs.enqueue('flaky', { id });
      const job = await settled(jobs, `${namespace}-failures`, 'high', jobId);
      // BullMQ's own record: failed for good after 4 attempts.
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(4);

      const times = attemptTimes.get(id)!;
      expect(times).toHaveLength(4);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      // 200 ms, 400 ms, 800 ms: each wait at least the backoff, and growing.
      expect(gaps[0]).toBeGreaterThanOrEqual(190);
      expect(gaps[1]).toBeGreaterThanOrEqual(390);
      expect(gaps[2]).toBeGreaterThanOrEqual(790);

      const letter = (await jobs.deadLetters.get(`high/${jobId}`))!;
      expect(letter).toMatchObject({ queue: 'high', jobName: 'flaky', data: { id }, failedReason: `downstream refused ${id}` });
      // Its retry policy travels with it, for a replay from the portal.
      expect(letter).toMatchObject({ attemptsMade: 4, attempts: 4, backoffMs: 200 });
      expect(letter.stacktrace[0]).toContain('downstream refused');

      const text = await metrics.registry.metrics();
      expect(sampleValue(text, 'jobs_processed_total', { queue: 'high', outcome: 'retried' })).toBe(3);
      expect(sampleValue(text, 'jobs_processed_total', { queue: 'high', outcome: 'dead_lettered' })).toBe(1);
      expect(sampleValue(text, 'job_queue_jobs', { queue: 'high', state: 'dead_lettered' })).toBe(1);
      expect(sampleValue(text, 'job_queue_jobs', { queue: 'high', state: 'failed' })).toBe(1);
      expect(sampleValue(text, 'job_queue_jobs', { queue: 'critical', state: 'dead_lettered' })).toBe(0);

      // Fixed downstream: a replay runs it again with fresh attempts, and it completes.
      // Two replays at once (two clicks, or this service's and the portal's):
      // one wins, the other is told, and the job runs once.
      healed.add(id);
      const raced = await Promise.allSettled([
        jobs.replayDeadLetter(`high/${jobId}`),
        jobs.replayDeadLetter(`high/${jobId}`),
      ]);
      expect(raced.map(r => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((raced.find(r => r.status === 'rejected') as PromiseRejectedResult).reason.message).toMatch(
        /already replayed or discarded|No dead letter/,
      );
      expect(await jobs.deadLetters.get(`high/${jobId}`)).toBeUndefined();
      const replayed = await settled(jobs, `${namespace}-failures`, 'high', jobId);
      expect(await replayed.getState()).toBe('completed');
      expect(replayed.returnvalue).toEqual({ id, ok: true });
      expect(attemptTimes.get(id)).toHaveLength(5);
      const after = await metrics.registry.metrics();
      expect(sampleValue(after, 'jobs_processed_total', { queue: 'high', outcome: 'completed' })).toBe(1);
      expect(sampleValue(after, 'job_queue_jobs', { queue: 'high', state: 'dead_lettered' })).toBe(0);
    });

    it('adds a job BullMQ no longer holds once, under the id the portal uses too', async () => {
      const id = randomUUID();
      healed.add(id);
      const deadLetteredAt = new Date(Date.now() - 60_000).toISOString();
      await jobs.deadLetters.add({
        id: 'high/gone-7',
        queue: 'high',
        jobId: 'gone-7',
        jobName: 'flaky',
        data: { id },
        failedReason: 'downstream refused',
        stacktrace: [],
        attemptsMade: 4,
        attempts: 4,
        backoffMs: 200,
        enqueuedAt: deadLetteredAt,
        deadLetteredAt,
      });
      const raced = await Promise.allSettled([
        jobs.replayDeadLetter('high/gone-7'),
        jobs.replayDeadLetter('high/gone-7'),
      ]);
      expect(raced.map(r => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const replayed = await settled(jobs, `${namespace}-failures`, 'high', `gone-7-replay-${Date.parse(deadLetteredAt)}`);
      expect(await replayed.getState()).toBe('completed');
      expect(attemptTimes.get(id)).toHaveLength(1);
    });

    it('dead-letters at once a payload that cannot be processed', async () => {
      // As an older producer might: straight to the queue, bypassing enqueue()'s validation.
      const queue = new Queue(jobs.queueName('critical'), { connection: redis, prefix: `${namespace}-failures:bull` });
      try {
        const job = await queue.add('strict', { id: 'not-a-uuid' }, { attempts: 5 });
        await expect.poll(async () => (await jobs.deadLetters.get(`critical/${job.id}`))?.attemptsMade, { timeout: 10_000 }).toBe(1);
        expect((await jobs.deadLetters.get(`critical/${job.id}`))!.failedReason).toMatch(/Invalid payload/);
        const text = await metrics.registry.metrics();
        expect(sampleValue(text, 'job_queue_jobs', { queue: 'critical', state: 'dead_lettered' })).toBe(1);
        await jobs.discardDeadLetter(`critical/${job.id}`);
        expect(await jobs.deadLetters.list()).toEqual([]);
      } finally {
        await queue.close();
      }
    });

    it('refuses to enqueue an invalid payload or an unknown job', async () => {
      await expect(jobs.enqueue('strict', { id: 'nope' })).rejects.toThrow();
      await expect(jobs.enqueue('no-such-job', {})).rejects.toThrow(/Unknown job/);
    });
  });
});
