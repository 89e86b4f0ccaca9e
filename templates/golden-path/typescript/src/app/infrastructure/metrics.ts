import { {% if values.runsJobs %}Counter, {% endif %}{% if values.runsJobs or values.publishesEvents %}Gauge, {% endif %}Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SERVICE } from '../config';

/**
 * Histogram buckets, in seconds. The SLO rules compute the latency SLI from
 * the bucket whose `le` is the latency objective, so that bucket must exist:
 * it is added to the platform's standard set.
 */
export function latencyBuckets(objectiveSeconds: number = SERVICE.latencyObjectiveSeconds): number[] {
  const standard = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10];
  return [...new Set([...standard, objectiveSeconds])].sort((a, b) => a - b);
}
{%- if values.runsJobs %}

export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'dead_lettered'] as const;
export type JobState = (typeof JOB_STATES)[number];
export type JobOutcome = 'completed' | 'retried' | 'dead_lettered';
export interface JobCount {
  queue: string;
  state: JobState;
  count: number;
}
{%- endif %}

export interface MetricsOptions {
  /** Node.js process metrics (heap, event loop lag, GC); on by default. */
  defaultMetrics?: boolean;
  /** Called when a gauge cannot read its source at scrape time. */
  onCollectError?: (metric: string, error: unknown) => void;
}

/**
 * The service's Prometheus metrics, on a registry of its own (one per app
 * instance, so tests can run several apps in one process). Names and labels
 * are a contract with the SLO rules, alerts and dashboards: change them there
 * too.
 */
export class Metrics {
  readonly registry = new Registry();
{%- if values.runsJobs or values.publishesEvents %}
  private readonly onCollectError: (metric: string, error: unknown) => void;
{%- endif %}

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests served by the API, by templated route.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: latencyBuckets(),
    registers: [this.registry],
  });
{%- if values.runsJobs %}

  private jobCounts?: () => Promise<JobCount[]>;

  readonly jobQueueJobs = new Gauge({
    name: 'job_queue_jobs',
    help: 'Background jobs per queue and state (dead_lettered: gave up after the last attempt).',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
    collect: async () => {
      const source = this.jobCounts;
      if (!source) return;
      await this.refresh('job_queue_jobs', async () => {
        const counts = await source();
        this.jobQueueJobs.reset();
        for (const { queue, state, count } of counts) {
          this.jobQueueJobs.set({ queue, state }, count);
        }
      });
    },
  });

  readonly jobsProcessed = new Counter({
    name: 'jobs_processed_total',
    help: 'Job attempts by outcome: completed, retried (will run again) or dead_lettered.',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });
{%- endif %}
{%- if values.publishesEvents %}

  private pendingEvents?: () => Promise<number>;

  readonly outboxPendingEvents = new Gauge({
    name: 'outbox_pending_events',
    help: 'Outbox events written but not yet published to Kafka.',
    registers: [this.registry],
    collect: async () => {
      const source = this.pendingEvents;
      if (!source) return;
      await this.refresh('outbox_pending_events', async () => {
        this.outboxPendingEvents.set(await source());
      });
    },
  });
{%- endif %}

  constructor(options: MetricsOptions = {}) {
{%- if values.runsJobs or values.publishesEvents %}
    this.onCollectError = options.onCollectError ?? (() => {});
{%- endif %}
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry });
    }
  }
{%- if values.runsJobs %}

  /** Where job_queue_jobs reads its values at scrape time. */
  observeJobQueues(source: () => Promise<JobCount[]>): void {
    this.jobCounts = source;
  }
{%- endif %}
{%- if values.publishesEvents %}

  /** Where outbox_pending_events reads its value at scrape time. */
  observeOutbox(source: () => Promise<number>): void {
    this.pendingEvents = source;
  }
{%- endif %}
{%- if values.runsJobs or values.publishesEvents %}

  /**
   * A scrape must not fail because Redis or PostgreSQL is slow or down: the
   * gauge keeps its last value and the error is reported (the readiness probe
   * and the dependency's own alerts say what is wrong).
   */
  private async refresh(metric: string, update: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out after 2000 ms')), 2000);
    });
    try {
      await Promise.race([update(), timeout]);
    } catch (error) {
      this.onCollectError(metric, error);
    } finally {
      clearTimeout(timer);
    }
  }
{%- endif %}
}
