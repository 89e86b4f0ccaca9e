import { SloWithEntity } from '../api/SloClient';

/** svc-ledger, 99.9%: 60% of 43.2 minutes left, burning 20x: paging. */
export const ledgerAvailability: SloWithEntity = {
  service: 'svc-ledger',
  slo: 'availability',
  description: 'Earn and Burn API requests answered without a server error.',
  source: {
    type: 'spec',
    file: 'services/svc-ledger/slo/sloth.yaml',
    format: 'sloth.slok.dev/v1',
  },
  objective: 0.999,
  windowDays: 30,
  sli: 0.9996,
  errorBudget: {
    totalRatio: 0.001,
    totalMinutes: 43.2,
    remainingRatio: 0.6,
    remainingMinutes: 25.92,
  },
  burnRates: {
    '5m': 30,
    '30m': 10,
    '1h': 20,
    '2h': 1,
    '6h': 2,
    '1d': 0.5,
    '3d': 0.4,
  },
  alert: 'page',
  hoursToExhaustion: 21.6,
  entityRef: 'component:default/svc-ledger',
};

/** svc-ledger p99 < 200 ms, 99%: calm. */
export const ledgerLatency: SloWithEntity = {
  service: 'svc-ledger',
  slo: 'latency-p99',
  source: { type: 'sloth-rules' },
  objective: 0.99,
  windowDays: 30,
  sli: 0.995,
  errorBudget: {
    totalRatio: 0.01,
    totalMinutes: 432,
    remainingRatio: 0.5,
    remainingMinutes: 216,
  },
  burnRates: { '5m': 0.2, '1h': 0.3 },
  alert: 'ok',
  hoursToExhaustion: 1200,
  entityRef: 'component:default/svc-ledger',
};

/** A 503 as Backstage's error handler answers it. */
export const prometheusDown = {
  request: { method: 'GET', url: '/api/slo/board' },
  response: { statusCode: 503 },
  error: {
    name: 'ServiceUnavailableError',
    message:
      "Prometheus 'prod' did not answer within 5 s: check that it is up, or raise slo.prometheus[0].timeoutMs if it is only slow (request id 0123456789ab)",
  },
};
