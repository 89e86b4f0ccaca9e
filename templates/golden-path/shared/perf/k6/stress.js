// Stress test: ramps past the seed's rates (up to 4x) to find where the
// service degrades, and checks it recovers when the load drops. Not an SLO
// gate: it tells how much headroom there is before the HPA must scale.
//
//   k6 run -e BASE_URL=${{ ('https://' ~ values.name ~ '.staging.local-plus.io') | dump }} perf/k6/stress.js
import { check } from 'k6';
import { LATENCY_OBJECTIVE_MS{% if values.ownsTables %}, getAccount, idempotencyKey, openFundedAccount, postTransaction{% else %}, quote{% endif %} } from './lib.js';

// Multiples of the seed's rates, each held for STEP.
const STEP = __ENV.STEP || '3m';
const ramp = base => [
  { target: base, duration: '1m' },
  { target: base, duration: STEP },
  { target: base * 2, duration: '1m' },
  { target: base * 2, duration: STEP },
  { target: base * 3, duration: '1m' },
  { target: base * 3, duration: STEP },
  { target: base * 4, duration: '1m' },
  { target: base * 4, duration: STEP },
  // Back to normal: latency and errors must come back down.
  { target: base, duration: '1m' },
  { target: base, duration: STEP },
];

export const options = {
  scenarios: {
{%- if values.ownsTables %}
    writes: {
      executor: 'ramping-arrival-rate',
      exec: 'write',
      startRate: 50,
      timeUnit: '1s',
      stages: ramp(500),
      preAllocatedVUs: 200,
      maxVUs: 3000,
    },
    reads: {
      executor: 'ramping-arrival-rate',
      exec: 'read',
      startRate: 150,
      timeUnit: '1s',
      stages: ramp(1500),
      preAllocatedVUs: 400,
      maxVUs: 6000,
    },
{%- else %}
    quotes: {
      executor: 'ramping-arrival-rate',
      exec: 'quotes',
      startRate: 200,
      timeUnit: '1s',
      stages: ramp(2000),
      preAllocatedVUs: 400,
      maxVUs: 8000,
    },
{%- endif %}
  },
  thresholds: {
    // Stop early when the service is clearly falling over.
    http_req_failed: [{ threshold: 'rate<0.05', abortOnFail: true, delayAbortEval: '1m' }],
    // Reported, not enforced: how far p99 drifts from the objective under stress.
    http_req_duration: [`p(99)<${LATENCY_OBJECTIVE_MS * 5}`],
  },
};
{%- if values.ownsTables %}

export function setup() {
  const ids = [];
  for (let i = 0; i < 500; i += 1) ids.push(openFundedAccount(1_000_000_000));
  return { ids };
}

const pick = ids => ids[Math.floor(Math.random() * ids.length)];

export function write(data) {
  const res = postTransaction(pick(data.ids), Math.random() < 0.6 ? 'credit' : 'debit', 1 + Math.floor(Math.random() * 1_000), idempotencyKey());
  check(res, { 'transaction 201': r => r.status === 201 });
}

export function read(data) {
  check(getAccount(pick(data.ids)), { 'balance 200': r => r.status === 200 });
}
{%- else %}

export function quotes() {
  check(quote(), { 'quote 200': r => r.status === 200 });
}
{%- endif %}
