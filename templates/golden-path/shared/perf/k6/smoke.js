// Smoke test: a couple of users walk through every endpoint for 30 s.
// Catches a broken deployment before the load test does.
//
//   k6 run -e BASE_URL=${{ ('https://' ~ values.name ~ '.dev.local-plus.io') | dump }} perf/k6/smoke.js
import http from 'k6/http';
import { check, sleep } from 'k6';
import { BASE_URL, LATENCY_OBJECTIVE_MS{% if values.ownsTables %}, getAccount, idempotencyKey, openFundedAccount, postTransaction{% else %}, quote{% endif %} } from './lib.js';

export const options = {
  vus: 2,
  duration: '30s',
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
    http_req_duration: [`p(99)<${LATENCY_OBJECTIVE_MS}`],
  },
};

export default function () {
  check(http.get(`${BASE_URL}/healthz`), { 'healthz 200': r => r.status === 200 });
  check(http.get(`${BASE_URL}/readyz`), { 'readyz 200': r => r.status === 200 });
{%- if values.ownsTables %}

  const id = openFundedAccount(10_000);
  const key = idempotencyKey();
  const debit = postTransaction(id, 'debit', 2_500, key);
  check(debit, { 'debit 201': r => r.status === 201, 'balance after debit': r => r.json('balanceAfter') === 7_500 });
  // The same request again: the first response, nothing written twice.
  const replay = postTransaction(id, 'debit', 2_500, key);
  check(replay, {
    'replay 201': r => r.status === 201,
    'replay flagged': r => r.headers['Idempotent-Replayed'] === 'true',
    'replay same transaction': r => r.json('id') === debit.json('id'),
  });
  check(getAccount(id), { 'balance read': r => r.status === 200 && r.json('balance') === 7_500 });
{%- else %}

  check(quote(), { 'quote 200': r => r.status === 200 && r.json('points') >= 0 });
{%- endif %}
  sleep(1);
}
