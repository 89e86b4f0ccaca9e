/**
 * A small client for the Prometheus HTTP API, shared by the runbooks and SLO
 * backends.
 *
 * @packageDocumentation
 */
export { PrometheusHttpClient } from './PrometheusHttpClient';
export type {
  PrometheusAlert,
  PrometheusServer,
  VectorSample,
} from './PrometheusHttpClient';
