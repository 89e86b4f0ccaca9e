import { Job, Queue, UnrecoverableError, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { JobCount, Metrics } from '../metrics';
import { DeadLetterStore, replayJobId, type DeadLetter } from './dead-letters';

/** The platform's queues, highest priority first (seed 8.6.5). */
export const QUEUE_NAMES = ['critical', 'high', 'default', 'low'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Jobs run at once per pod and queue (seed 8.6.5). */
export const QUEUE_CONCURRENCY: Record<QueueName, number> = { critical: 5, high: 10, default: 20, low: 5 };

export interface JobContext {
  job: Job;
  logger: Logger;
}

/**
 * One kind of job. The payload is validated with `schema` before `handle`
 * runs (it comes back from Redis, possibly written by an older version), and
 * must hold identifiers only, never personal data.
 */
export interface JobDefinition<T = unknown> {
  name: string;
  queue: QueueName;
  /** Attempts in total, the first one included. */
  attempts: number;
  /** First retry delay; each next one doubles (1 s, 2 s, 4 s, ... by default). */
  backoffMs: number;
  schema: z.ZodType<T>;
  handle(data: T, context: JobContext): Promise<unknown>;
}

export interface JobSystemOptions {
  redisUrl: string;
  serviceName: string;
  metrics: Metrics;
  logger: Logger;
  /**
   * Prefix for every Redis key, to share a Redis database between runs (the
   * tests use one per run). Empty in production: keys are `bull:<service>-<queue>:*`
   * and `<service>:dead-letter`.
   */
  namespace?: string;
}

export class JobNotFoundError extends Error {}

/**
 * BullMQ queues on Valkey/Redis: retries with exponential backoff, then a
 * dead-letter state. A job that fails its last attempt stays in BullMQ's
 * `failed` set and is also recorded in the `<service>:dead-letter` hash, which
 * is what the portal, the alert and the replay command work from.
 */
export class JobSystem {
  /** Commands from the API and the metrics: fail fast when Redis is away. */
  readonly redis: Redis;
  /** Workers' blocking connection: waits for Redis to come back. */
  private workerRedis?: Redis;
  readonly deadLetters: DeadLetterStore;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly definitions = new Map<string, JobDefinition>();
  private readonly prefix: string;
  /** `<namespace:><service>`: the start of this service's own Redis keys. */
  readonly keyPrefix: string;

  constructor(private readonly options: JobSystemOptions) {
    // An API request that enqueues a job must not hang while Redis is down:
    // no offline queue, one retry, then the command fails.
    this.redis = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', error => options.logger.warn({ err: error }, 'redis connection error'));
    const ns = options.namespace ? `${options.namespace}:` : '';
    this.prefix = `${ns}bull`;
    this.keyPrefix = `${ns}${options.serviceName}`;
    this.deadLetters = new DeadLetterStore(this.redis, `${this.keyPrefix}:dead-letter`);
    options.metrics.observeJobQueues(() => this.counts());
    for (const name of QUEUE_NAMES) {
      this.queues.set(
        name,
        new Queue(this.queueName(name), {
          connection: this.redis,
          prefix: this.prefix,
          // No INFO round trip at start-up: a queue closed while that call
          // is pending (a process stopped right after it started) would
          // leave a rejection nobody handles. Redis 7 / Valkey are assumed.
          skipVersionCheck: true,
          defaultJobOptions: {
            // Finished jobs are kept a while for inspection, then dropped;
            // dead letters are kept in their own hash until replayed or discarded.
            removeOnComplete: { age: 3_600, count: 1_000 },
            removeOnFail: { age: 7 * 24 * 3_600 },
          },
        }),
      );
    }
  }

  /** Registers a kind of job; every process that enqueues or runs it must. */
  define(...definitions: JobDefinition[]): this {
    for (const definition of definitions) {
      if (this.definitions.has(definition.name)) throw new Error(`Job ${definition.name} is defined twice`);
      this.definitions.set(definition.name, definition);
    }
    return this;
  }

  /** BullMQ queue name: the service name first, so queues are unique in a shared Valkey. */
  queueName(queue: QueueName): string {
    return `${this.options.serviceName}-${queue}`;
  }

  /**
   * Adds a job. `jobId` makes enqueueing idempotent: a second add with the
   * same id is ignored while the first job is kept.
   */
  async enqueue(name: string, data: unknown, options: { jobId?: string } = {}): Promise<string> {
    const definition = this.definition(name);
    const payload = definition.schema.parse(data);
    const job = await this.queue(definition.queue).add(name, payload, this.jobOptions(definition, options.jobId));
    return job.id!;
  }

  /** Starts one worker per queue in this process. */
  startWorkers(): void {
    if (this.workers.length > 0) return;
    // BullMQ requires maxRetriesPerRequest: null on the connection it blocks on.
    this.workerRedis = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    this.workerRedis.on('error', error => this.options.logger.warn({ err: error }, 'redis connection error'));
    for (const name of QUEUE_NAMES) {
      const worker = new Worker(this.queueName(name), job => this.process(name, job), {
        connection: this.workerRedis,
        prefix: this.prefix,
        concurrency: QUEUE_CONCURRENCY[name],
      });
      worker.on('error', error => this.options.logger.error({ err: error, queue: name }, 'job worker error'));
      this.workers.push(worker);
    }
  }

  /** Jobs per queue and state, for the job_queue_jobs gauge. */
  async counts(): Promise<JobCount[]> {
    const deadLettered = await this.deadLetters.countByQueue();
    const result: JobCount[] = [];
    for (const name of QUEUE_NAMES) {
      const c = await this.queue(name).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
      result.push(
        { queue: name, state: 'waiting', count: (c.waiting ?? 0) + (c.paused ?? 0) + (c.prioritized ?? 0) },
        { queue: name, state: 'active', count: c.active ?? 0 },
        { queue: name, state: 'delayed', count: c.delayed ?? 0 },
        { queue: name, state: 'failed', count: c.failed ?? 0 },
        { queue: name, state: 'dead_lettered', count: deadLettered.get(name) ?? 0 },
      );
    }
    return result;
  }

  /**
   * Runs a dead-lettered job again, with a fresh set of attempts: the BullMQ
   * job itself when it is still in the failed set, otherwise a new job with
   * the same payload. Only replay once the cause is fixed (see the runbook).
   */
  async replayDeadLetter(id: string): Promise<void> {
    const letter = await this.deadLetters.get(id);
    if (!letter) throw new JobNotFoundError(`No dead letter ${id}`);
    const queueName = QUEUE_NAMES.find(q => q === letter.queue);
    if (!queueName) throw new Error(`Dead letter ${id} names an unknown queue ${letter.queue}`);
    // Claimed first, so that of two replays (this service's and the
    // portal's, or two clicks) one wins; and if the replayed job
    // dead-letters again, its new record is not deleted by this call.
    if (!(await this.deadLetters.remove(id))) {
      throw new JobNotFoundError(`Dead letter ${id} was already replayed or discarded`);
    }
    const queue = this.queue(queueName);
    const replayId = replayJobId(letter);
    try {
      const job = await Job.fromId(queue, letter.jobId);
      if (job && (await job.getState()) === 'failed') {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      } else {
        // The id the portal's replay uses too: added twice, BullMQ keeps one.
        const definition = this.definition(letter.jobName);
        await queue.add(letter.jobName, letter.data, { ...this.jobOptions(definition), jobId: replayId });
      }
    } catch (error) {
      // Put back only when the job is known absent: an answer lost to a
      // Redis failover may hide a replay that happened.
      const happened = await this.requeued(queue, letter.jobId, replayId).catch(() => true);
      if (!happened) await this.deadLetters.add(letter);
      throw error;
    }
  }

  /** After a failed replay: is the job there after all (retried, or added)? */
  private async requeued(queue: Queue, jobId: string, replayId: string): Promise<boolean> {
    if (await Job.fromId(queue, replayId)) return true;
    const original = await Job.fromId(queue, jobId);
    return Boolean(original) && (await original!.getState()) !== 'failed';
  }

  /** Drops a dead letter for good (after it was handled by hand). */
  async discardDeadLetter(id: string): Promise<void> {
    if (!(await this.deadLetters.remove(id))) throw new JobNotFoundError(`No dead letter ${id}`);
  }

  /** For /readyz: fails while Redis is unreachable; waits (briefly) for a connection in progress. */
  async ping(): Promise<void> {
    if (this.redis.status === 'connecting' || this.redis.status === 'connect' || this.redis.status === 'reconnecting') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`Redis is ${this.redis.status}`)), 1_000);
        const onReady = () => done();
        const done = (error?: Error) => {
          clearTimeout(timer);
          this.redis.off('ready', onReady);
          if (error) reject(error);
          else resolve();
        };
        this.redis.once('ready', onReady);
      });
    }
    await this.redis.ping();
  }

  /** Lets running jobs finish, then closes workers, queues and the connection. */
  /**
   * Lets running jobs finish, then closes the connections. Waits for Redis
   * while it is away (BullMQ reconnects first): bound it, then abort().
   */
  async close(): Promise<void> {
    await Promise.all(this.workers.map(w => w.close()));
    await Promise.all([...this.queues.values()].map(q => q.close()));
    for (const connection of [this.workerRedis, this.redis]) {
      await connection?.quit().catch(() => connection.disconnect());
    }
  }

  /** Drops every connection now, without waiting for Redis or for jobs: a job cut short is retried. */
  abort(): void {
    for (const worker of this.workers) void worker.close(true).catch(() => {});
    for (const queue of this.queues.values()) void queue.close().catch(() => {});
    for (const connection of [this.workerRedis, this.redis]) connection?.disconnect(false);
  }

  private async process(queue: QueueName, job: Job): Promise<unknown> {
    const logger = this.options.logger.child({ queue, jobName: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
    try {
      const definition = this.definitions.get(job.name);
      if (!definition) throw new UnrecoverableError(`No handler for job ${job.name}`);
      const parsed = definition.schema.safeParse(job.data);
      if (!parsed.success) {
        const problems = parsed.error.issues.map(i => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
        throw new UnrecoverableError(`Invalid payload: ${problems}`);
      }
      const result = await definition.handle(parsed.data, { job, logger });
      this.options.metrics.jobsProcessed.inc({ queue, outcome: 'completed' });
      return result;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      // BullMQ retries while attemptsMade + 1 < attempts; this attempt is the
      // last one otherwise, or when the error says retrying cannot help.
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (last) {
        await this.deadLetters.add(this.deadLetter(queue, job, err));
        this.options.metrics.jobsProcessed.inc({ queue, outcome: 'dead_lettered' });
        logger.error({ err }, 'job dead-lettered');
      } else {
        this.options.metrics.jobsProcessed.inc({ queue, outcome: 'retried' });
        logger.warn({ err }, 'job failed, will retry');
      }
      throw err;
    }
  }

  private deadLetter(queue: QueueName, job: Job, error: Error): DeadLetter {
    return {
      id: `${queue}/${job.id}`,
      queue,
      jobId: job.id!,
      jobName: job.name,
      data: job.data,
      failedReason: error.message,
      stacktrace: (error.stack ?? '').split('\n').slice(0, 20),
      attemptsMade: job.attemptsMade + 1,
      attempts: job.opts.attempts ?? 1,
      backoffMs: typeof job.opts.backoff === 'number' ? job.opts.backoff : (job.opts.backoff?.delay ?? 0),
      enqueuedAt: new Date(job.timestamp).toISOString(),
      deadLetteredAt: new Date().toISOString(),
    };
  }

  private jobOptions(definition: JobDefinition, jobId?: string): JobsOptions {
    return {
      attempts: definition.attempts,
      backoff: { type: 'exponential', delay: definition.backoffMs },
      ...(jobId ? { jobId } : {}),
    };
  }

  private definition(name: string): JobDefinition {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`Unknown job ${name}`);
    return definition;
  }

  private queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }
}
