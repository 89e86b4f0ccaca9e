/**
 * A small client for the Prometheus HTTP API, shared by the runbooks and SLO
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
  PrometheusServer,
  RangeOptions,
  RangeSeries,
  VectorSample,
} from './PrometheusHttpClient';
// For integration tests and benchmarks: a private Prometheus process.
export { LocalPrometheus } from './LocalPrometheus';
