/**
 * A small client for the Prometheus HTTP API, shared by the runbooks, SLO and scorecards
 * backends.
 *
 * @packageDocumentation
 */
export {
  PrometheusHttpClient,
  PrometheusQueryError,
} from './PrometheusHttpClient';
export type {
  PrometheusAlert,
  PrometheusAlertingRule,
  PrometheusServer,
  RangeOptions,
  RangeSeries,
  VectorSample,
} from './PrometheusHttpClient';
