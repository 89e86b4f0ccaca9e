// Helpers shared by the k6 scripts (k6's JavaScript runtime, not Node).
import http from 'k6/http';
{%- if values.ownsTables %}
import { check } from 'k6';
{%- endif %}

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/$/, '');
if (!__ENV.TOKEN) {
  throw new Error(
    'TOKEN is not set: every /v1 route needs a bearer token. Use a service token{% if values.ownsTables %} with the scopes ' +
      '"accounts:read accounts:write"{% endif %} from the identity provider (client credentials), e.g. k6 run -e TOKEN=...',
  );
}
export const JSON_HEADERS = { 'Content-Type': 'application/json', Authorization: `Bearer ${__ENV.TOKEN}` };

/** The service's p99 latency objective, in ms (SLO requests-latency). */
export const LATENCY_OBJECTIVE_MS = ${{ values.sloLatencyP99Ms | dump }};

/** Share of requests allowed to fail (SLO requests-availability). */
export const ERROR_BUDGET = (1 - ${{ values.sloAvailability | dump }} / 100).toFixed(6);

/** A unique Idempotency-Key (8 to 128 of [A-Za-z0-9._:-]). */
export function idempotencyKey() {
  return `k6-${__VU}-${__ITER}-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
}
{%- if values.ownsTables %}

/** Opens an account and credits it; returns its id. */
export function openFundedAccount(balance) {
  // A load-test member, opened by the (service) token's accounts:write scope.
  const created = http.post(`${BASE_URL}/v1/accounts`, JSON.stringify({ currency: 'EUR', ownerId: `k6-member-${__VU}` }), {
    headers: JSON_HEADERS,
    tags: { name: 'POST /v1/accounts' },
  });
  check(created, { 'account created': r => r.status === 201 });
  const id = created.json('id');
  if (balance > 0) postTransaction(id, 'credit', balance, idempotencyKey());
  return id;
}

/** POST /v1/accounts/{id}/transactions with the given Idempotency-Key. */
export function postTransaction(accountId, type, amount, key) {
  return http.post(
    `${BASE_URL}/v1/accounts/${accountId}/transactions`,
    JSON.stringify({ type, amount, currency: 'EUR', reference: `k6-${__VU}-${__ITER}` }),
    {
      headers: { ...JSON_HEADERS, 'Idempotency-Key': key },
      tags: { name: 'POST /v1/accounts/{id}/transactions' },
    },
  );
}

export function getAccount(accountId) {
  return http.get(`${BASE_URL}/v1/accounts/${accountId}`, {
    headers: { Authorization: JSON_HEADERS.Authorization },
    tags: { name: 'GET /v1/accounts/{id}' },
  });
}
{%- else %}

const TIERS = ['standard', 'silver', 'gold'];

export function quote() {
  const body = {
    amount: 100 + Math.floor(Math.random() * 100000),
    currency: 'EUR',
    tier: TIERS[Math.floor(Math.random() * TIERS.length)],
  };
  return http.post(`${BASE_URL}/v1/quotes/points`, JSON.stringify(body), {
    headers: JSON_HEADERS,
    tags: { name: 'POST /v1/quotes/points' },
  });
}
{%- endif %}
