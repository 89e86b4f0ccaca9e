// Load test at the seed's rates (part I.1): {% if values.ownsTables %}500 writes/s, each with its own
// Idempotency-Key, and 1,500 balance reads/s{% else %}2,000 requests/s (500 TPS + 1,500 RPS){% endif %}, for 10 minutes. Thresholds
// are the SLOs: ERROR_BUDGET of errors at most, p99 under LATENCY_OBJECTIVE_MS.
//
//   k6 run -e BASE_URL=${{ ('https://' ~ values.name ~ '.staging.local-plus.io') | dump }} perf/k6/load.js
// Options: -e DURATION=10m{% if values.ownsTables %} -e ACCOUNTS=200{% endif %}
import { check } from 'k6';
import { ERROR_BUDGET, LATENCY_OBJECTIVE_MS{% if values.ownsTables %}, getAccount, idempotencyKey, openFundedAccount, postTransaction{% else %}, quote{% endif %} } from './lib.js';

const DURATION = __ENV.DURATION || '10m';
{%- if values.ownsTables %}
const ACCOUNTS = Number(__ENV.ACCOUNTS || 200);
{%- endif %}

export const options = {
  scenarios: {
{%- if values.ownsTables %}
    writes: {
      executor: 'constant-arrival-rate',
      exec: 'write',
      rate: 500,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 100,
      maxVUs: 1000,
    },
    reads: {
      executor: 'constant-arrival-rate',
      exec: 'read',
      rate: 1500,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 200,
      maxVUs: 2000,
    },
{%- else %}
    quotes: {
      executor: 'constant-arrival-rate',
      exec: 'quotes',
      rate: 2000,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 200,
      maxVUs: 2000,
    },
{%- endif %}
  },
  thresholds: {
    http_req_failed: [`rate<${ERROR_BUDGET}`],
    http_req_duration: [`p(99)<${LATENCY_OBJECTIVE_MS}`],
{%- if values.ownsTables %}
    'http_req_duration{scenario:writes}': [`p(99)<${LATENCY_OBJECTIVE_MS}`],
    'http_req_duration{scenario:reads}': [`p(99)<${LATENCY_OBJECTIVE_MS}`],
    'checks{check:replay returns the first response}': ['rate==1'],
{%- endif %}
  },
};
{%- if values.ownsTables %}

// Accounts funded well beyond what the debits take, so no 422 is expected.
export function setup() {
  const ids = [];
  for (let i = 0; i < ACCOUNTS; i += 1) ids.push(openFundedAccount(1_000_000_000));
  return { ids };
}

const pick = ids => ids[Math.floor(Math.random() * ids.length)];

export function write(data) {
  const id = pick(data.ids);
  const type = Math.random() < 0.6 ? 'credit' : 'debit';
  const amount = 1 + Math.floor(Math.random() * 1_000);
  const key = idempotencyKey();
  const res = postTransaction(id, type, amount, key);
  check(res, { 'transaction 201': r => r.status === 201 });
  // 1 % of clients retry (a timeout on their side): the retry must replay.
  if (Math.random() < 0.01) {
    const again = postTransaction(id, type, amount, key);
    check(again, { 'replay returns the first response': r => r.status === 201 && r.json('id') === res.json('id') });
  }
}

export function read(data) {
  check(getAccount(pick(data.ids)), { 'balance 200': r => r.status === 200 });
}
{%- else %}

export function quotes() {
  check(quote(), { 'quote 200': r => r.status === 200 });
}
{%- endif %}
