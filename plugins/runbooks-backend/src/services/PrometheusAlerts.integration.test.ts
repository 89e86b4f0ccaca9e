import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Runbook } from '@internal/plugin-runbooks-common';
import { LocalPrometheus, serviceEnv, waitFor } from '@internal/test-services';
import { PrometheusAlerts } from './PrometheusAlerts';
import { joinAlertsToRunbooks } from './joinAlerts';
import { toRunbook } from './frontMatter';

// Runs a real Prometheus (Debian's, on PATH after scripts/services.sh) of its
// own, so that it can be stopped and started again mid-test.
const PORT = 59190;
const baseUrl = `http://127.0.0.1:${PORT}`;
const haveServices = Boolean(serviceEnv('LOCALPLUS_PROMETHEUS_URL'));
const describeWithPrometheus = haveServices ? describe : describe.skip;

const RULES = `
groups:
  - name: runbooks-test
    interval: 1s
    rules:
      - alert: SLOErrorBudgetBurnPage
        expr: vector(1)
        labels: { service: svc-ledger, severity: critical, sloth_slo: availability }
        annotations:
          summary: svc-ledger burns its 30-day error budget 14.4x too fast
          runbook_url: https://portal.local-plus.example/docs/default/component/svc-ledger/runbooks/slo-burn/
      - alert: DramatiqDeadLetterQueueGrowing
        expr: vector(1)
        labels: { service: svc-wallet, severity: warning }
      - alert: NeverFires
        expr: vector(0) > 1
        labels: { service: svc-ledger }
`;

function runbook(entity: string, id: string, alerts: string[]): Runbook {
  return toRunbook({
    entityRef: `component:default/${entity}`,
    id,
    frontMatter: {
      title: `${id} (${entity})`,
      alerts,
      severity: 'page',
      owner: 'group:default/product-team',
      last_reviewed: '2026-11-01',
    },
    now: new Date('2026-11-25T00:00:00Z'),
  });
}

describeWithPrometheus('PrometheusAlerts against a real Prometheus', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-prometheus-'));
  const prometheus = new LocalPrometheus({ dir, port: PORT });
  function start() {
    prometheus.writeRules(RULES);
    prometheus.start();
  }
  const stop = () => prometheus.stop();
  /** Polls `probe` until `ok` holds; it may fail while Prometheus starts. */
  const eventually = <T>(probe: () => Promise<T>, ok: (v: T) => boolean) =>
    waitFor(
      async () => {
        const value = await probe();
        return ok(value) ? value : undefined;
      },
      'the condition holds',
      {
        timeoutMs: 30_000,
        intervalMs: 500,
        retryOnError: true,
        timeoutMessage: 'condition not met in 30 s',
      },
    );

  beforeAll(() => start());
  afterAll(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const client = new PrometheusAlerts({
    name: 'local',
    baseUrl,
    timeoutMs: 2000,
  });
  const runbooks = [
    runbook('svc-ledger', 'slo-burn', ['SLOErrorBudgetBurnPage']),
    runbook('svc-wallet', 'dead-letters-piling-up', [
      'DramatiqDeadLetterQueueGrowing',
    ]),
    runbook('svc-ledger', 'dead-letters-piling-up', [
      'DramatiqDeadLetterQueueGrowing',
    ]),
  ];
  const entityOf = (service: string) => `component:default/${service}`;

  it('reads the firing alerts and ties each to its runbook', async () => {
    const firing = await eventually(
      () => client.firing(),
      a => a.length === 2,
    );
    const joined = joinAlertsToRunbooks(firing, runbooks, entityOf).sort(
      (a, b) => a.name.localeCompare(b.name),
    );
    expect(
      joined.map(a => [a.name, a.service, a.runbook?.entityRef, a.runbook?.id]),
    ).toEqual([
      // By name, and of the alert's own service rather than another's.
      [
        'DramatiqDeadLetterQueueGrowing',
        'svc-wallet',
        'component:default/svc-wallet',
        'dead-letters-piling-up',
      ],
      // By runbook_url.
      [
        'SLOErrorBudgetBurnPage',
        'svc-ledger',
        'component:default/svc-ledger',
        'slo-burn',
      ],
    ]);
    expect(joined[1].summary).toBe(
      'svc-ledger burns its 30-day error budget 14.4x too fast',
    );
  });

  it('fails fast and clearly while Prometheus is stopped, and recovers', async () => {
    await stop();
    const error = await client.firing().catch(e => e);
    expect(error.message).toBe(
      "Prometheus 'local' refused the connection (is it running?): start the dev services with make start, or check runbooks.prometheus.baseUrl",
    );
    // The address is for the log only.
    expect(error.detail).toContain(`GET ${baseUrl}/api/v1/alerts`);
    start();
    const firing = await eventually(
      () => client.firing(),
      a => a.length === 2,
    );
    expect(firing.map(a => a.labels.alertname).sort()).toEqual([
      'DramatiqDeadLetterQueueGrowing',
      'SLOErrorBudgetBurnPage',
    ]);
  });
});
