import { describe, expect, it } from 'vitest';
import { SERVICE } from '../../src/app/config';
import { latencyBuckets, Metrics } from '../../src/app/infrastructure/metrics';

describe('metrics', () => {
  it('has the latency objective as a histogram bucket, with the platform buckets', () => {
    const buckets = latencyBuckets();
    expect(SERVICE.latencyObjectiveSeconds).toBe(${{ values.sloLatencyP99Ms | dump }} / 1000);
    expect(buckets).toContain(SERVICE.latencyObjectiveSeconds);
    for (const le of [0.05, 0.1, 0.2, 0.3, 0.5, 1]) expect(buckets).toContain(le);
    expect([...buckets].sort((a, b) => a - b)).toEqual(buckets);
    expect(new Set(buckets).size).toBe(buckets.length);
  });

  it('adds an objective that is not a standard bucket, once', () => {
    expect(latencyBuckets(0.25).filter(b => b === 0.25)).toHaveLength(1);
    expect(latencyBuckets(0.2).filter(b => b === 0.2)).toHaveLength(1);
  });

  it('exposes the bucket the latency SLI reads, with the labels of the contract', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.httpRequestDuration.observe({ method: 'GET', route: '/x', status_code: '200' }, 0.001);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      `http_request_duration_seconds_bucket{le="${String(SERVICE.latencyObjectiveSeconds)}",method="GET",route="/x",status_code="200"} 1`,
    );
  });
});
