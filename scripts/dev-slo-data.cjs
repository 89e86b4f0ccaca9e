#!/usr/bin/env node
/* The raw SLI metrics of the dev Prometheus (scripts/dev-prometheus.sh):
 * the counters and histogram buckets that the catalog's Sloth specs query,
 * for every service on the SLO board, made up as functions of the time. One
 * table gives both:
 *
 *   node scripts/dev-slo-data.cjs rules   --epoch T            recording rules that
 *        record each counter at time() from now on (YAML on stdout)
 *   node scripts/dev-slo-data.cjs history --epoch T --from F [--to U] --step S
 *        the same counters' values at T, T − S, T − 2S, … from F (included)
 *        to U (excluded; default just after T), as OpenMetrics on stdout for
 *        promtool's backfill
 *
 * so the counters run on seamlessly from their history, and Sloth's rules
 * over 5m … 3d (and the portal's own evaluation of the specs) see 30 days of
 * data from the first evaluation. The epoch T is when the data were made:
 * svc-merchant's errors rose two days before it (a ticket-level burn).
 *
 * A counter of events at r per second of which a share b + a·sin(t/p)
 * (+ d from the epoch's incident on) is bad counts r·(b·t − a·p·cos(t/p) +
 * a·p + d·max(0, t − Ti)) bad ones and r·t minus that good ones: both only
 * grow, as counters must, and rate() over any window gives back the share.
 */
const fs = require('node:fs');

/** One service's events: a good and a bad series of one counter. */
function events({ metric, labels, good, bad, rate, share }) {
  return [
    { metric, labels: { ...labels, ...bad }, kind: 'bad', rate, share },
    { metric, labels: { ...labels, ...good }, kind: 'good', rate, share },
  ];
}
/** A histogram's count and its bucket at the objective: slow = count − bucket. */
function histogram({ name, labels, le, rate, share }) {
  return [
    { metric: `${name}_count`, labels, kind: 'all', rate },
    {
      metric: `${name}_bucket`,
      labels: { ...labels, le },
      kind: 'good',
      rate,
      share,
    },
    {
      metric: `${name}_bucket`,
      labels: { ...labels, le: '+Inf' },
      kind: 'all',
      rate,
    },
  ];
}

const HOUR = 3600;
const DAY = 24 * HOUR;
const http = 'http_server_request_duration_seconds';

/** epoch: when the data were made (unix seconds). */
function series(epoch) {
  return [
    // svc-ledger (spec: 99.9% availability, p99 < 200 ms): 20 requests/s,
    // 0.06% ± 0.05% errors (about 0.6× its budget), 0.4% ± 0.3% slower
    // than 200 ms (0.4× the latency budget).
    ...events({
      metric: `${http}_count`,
      labels: { service_name: 'svc-ledger' },
      good: { http_response_status_code: '200' },
      bad: { http_response_status_code: '500' },
      rate: 20,
      share: { b: 0.0006, a: 0.0005, p: 1800 },
    }),
    // The histogram's count is the status codes' series above.
    ...histogram({
      name: http,
      labels: { service_name: 'svc-ledger' },
      le: '0.2',
      rate: 20,
      share: { b: 0.004, a: 0.003, p: 2700 },
    }).filter(s => s.metric !== `${http}_count`),
    // svc-wallet (spec: 99.9%): 50 requests/s, 0.02% ± 0.02% errors.
    ...events({
      metric: `${http}_count`,
      labels: { service_name: 'svc-wallet' },
      good: { http_response_status_code: '200' },
      bad: { http_response_status_code: '503' },
      rate: 50,
      share: { b: 0.0002, a: 0.0002, p: 2400 },
    }),
    // platform-gitops (spec: 99.5%): ArgoCD's API server, 5 calls/s,
    // 0.2% ± 0.15% failing Unavailable. (platform-observability's spec
    // reads this Prometheus' real self-scrape.)
    ...events({
      metric: 'grpc_server_handled_total',
      labels: { job: 'argocd-server-metrics' },
      good: { grpc_code: 'OK' },
      bad: { grpc_code: 'Unavailable' },
      rate: 5,
      share: { b: 0.002, a: 0.0015, p: 3000 },
    }),
    // svc-merchant (rules only: 99.5% availability, 99% under 250 ms):
    // 8 requests/s; 0.3% ± 0.1% errors until two days before the epoch,
    // 0.75% since (1.5× over 6 h, 1.2× over 3 days: a ticket; about a third
    // of the 30-day budget left); 0.5% ± 0.2% slower than 250 ms.
    ...events({
      metric: `${http}_count`,
      labels: { service: 'svc-merchant' },
      good: { http_response_status_code: '200' },
      bad: { http_response_status_code: '500' },
      rate: 8,
      share: { b: 0.003, a: 0.001, p: 1500, d: 0.0045, from: epoch - 2 * DAY },
    }),
    ...histogram({
      name: http,
      labels: { service: 'svc-merchant' },
      le: '0.25',
      rate: 8,
      share: { b: 0.005, a: 0.002, p: 2000 },
    }).filter(s => s.metric !== `${http}_count`),
    // svc-giftcard (rules only: 99.5%, 99% under 500 ms): 12 requests/s,
    // 0.1% ± 0.05% errors, 0.3% ± 0.2% slower than 500 ms.
    ...events({
      metric: `${http}_count`,
      labels: { service: 'svc-giftcard' },
      good: { http_response_status_code: '200' },
      bad: { http_response_status_code: '500' },
      rate: 12,
      share: { b: 0.001, a: 0.0005, p: 2100 },
    }),
    ...histogram({
      name: http,
      labels: { service: 'svc-giftcard' },
      le: '0.5',
      rate: 12,
      share: { b: 0.003, a: 0.002, p: 3300 },
    }).filter(s => s.metric !== `${http}_count`),
    // svc-notification (rules only: 99% delivered, 99% within 5 minutes):
    // 2 notifications/s sent or failed, 0.2% ± 0.1% failed (dead-lettered),
    // 0.1/s skipped (not counted); 0.5% ± 0.3% accepted later than 300 s.
    ...events({
      metric: 'notification_deliveries_total',
      labels: { service: 'svc-notification', channel: 'email' },
      good: { outcome: 'sent' },
      bad: { outcome: 'failed' },
      rate: 2,
      share: { b: 0.002, a: 0.001, p: 2600 },
    }),
    {
      metric: 'notification_deliveries_total',
      labels: {
        service: 'svc-notification',
        channel: 'email',
        outcome: 'skipped',
      },
      kind: 'all',
      rate: 0.1,
    },
    ...histogram({
      name: 'notification_dispatch_delay_seconds',
      labels: { service: 'svc-notification', channel: 'email' },
      le: '300',
      rate: 2,
      share: { b: 0.005, a: 0.003, p: 2900 },
    }),
  ];
}

/** a·p, rounded as PromQL's text of it is. */
const amplitude = ({ a, p }) => Number((a * p).toPrecision(12));

/** The counter's value at t (seconds). */
function value(s, t) {
  if (s.kind === 'all') return s.rate * t;
  const { b, p, d = 0, from = 0 } = s.share;
  const ap = amplitude(s.share);
  const bad =
    s.rate * (b * t - ap * Math.cos(t / p) + ap + d * Math.max(0, t - from));
  return s.kind === 'bad' ? bad : s.rate * t - bad;
}

/** The same, as PromQL of time(). */
function promql(s) {
  if (s.kind === 'all') return `vector(${s.rate} * time())`;
  const { b, p, d = 0, from = 0 } = s.share;
  const ap = amplitude(s.share);
  const incident = d ? ` + ${d} * clamp_min(vector(time() - ${from}), 0)` : '';
  const bad = `${s.rate} * (${b} * time() - ${ap} * cos(vector(time() / ${p})) + ${ap}${incident})`;
  return s.kind === 'bad' ? bad : `${s.rate} * time() - (${bad})`;
}

const quote = v => JSON.stringify(String(v));
const selector = labels =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(',');

function rules(epoch) {
  const lines = [
    'groups:',
    '  - name: dev-sli-metrics',
    '    interval: 15s',
    '    rules:',
  ];
  for (const s of series(epoch)) {
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}: ${quote(v)}`)
      .join(', ');
    lines.push(
      `      - record: ${s.metric}`,
      `        labels: { ${labels} }`,
      `        expr: ${quote(promql(s))}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function history(epoch, from, to, step) {
  const all = series(epoch);
  const out = [];
  // On one grid ending at the epoch, whatever the bounds.
  const first = epoch - Math.floor((epoch - from) / step) * step;
  for (const metric of [...new Set(all.map(s => s.metric))]) {
    out.push(`# TYPE ${metric} unknown`);
    for (const s of all.filter(x => x.metric === metric)) {
      const name = `${metric}{${selector(s.labels)}}`;
      const chunk = [];
      for (let t = first; t < to && t <= epoch; t += step)
        chunk.push(`${name} ${value(s, t)} ${t}`);
      out.push(chunk.join('\n'));
    }
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}

function main() {
  const [command, ...rest] = process.argv.slice(2);
  const opt = name => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? Number(rest[i + 1]) : undefined;
  };
  const epoch = opt('epoch');
  if (!Number.isFinite(epoch))
    throw new Error('--epoch (unix seconds) is required');
  if (command === 'rules') process.stdout.write(rules(epoch));
  else if (command === 'history') {
    const from = opt('from');
    if (!Number.isFinite(from))
      throw new Error('--from (unix seconds) is required');
    fs.writeSync(
      1,
      history(
        Math.floor(epoch),
        from,
        opt('to') ?? epoch + 1,
        opt('step') ?? 60,
      ),
    );
  } else
    throw new Error(
      'usage: dev-slo-data.cjs rules --epoch T | history --epoch T --from F [--to U] [--step S]',
    );
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`dev-slo-data: ${e.message}`);
    process.exit(1);
  }
}
module.exports = { series, value, promql };
