/*
 * The backend's metrics for Prometheus: Backstage and its plugins report
 * them through the OpenTelemetry API (catalog, scheduler, HTTP, database
 * pools); this registers a meter provider whose Prometheus exporter serves
 * them on OTEL_METRICS_PORT (the ServiceMonitor of deploy/kubernetes scrapes
 * it). Loaded before anything else, as upstream's OpenTelemetry tutorial
 * does: `node --require ./instrumentation.js packages/backend …` (the
 * image's command). Without OTEL_METRICS_PORT it does nothing (development,
 * tests).
 */
const { isMainThread } = require('node:worker_threads');

const port = process.env.OTEL_METRICS_PORT;
// Worker threads load it too; one exporter per process.
if (isMainThread && port) {
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new Error(
      `OTEL_METRICS_PORT must be a port number (1-65535), not ${JSON.stringify(
        port,
      )}`,
    );
  }
  const { metrics } = require('@opentelemetry/api');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
  const exporter = new PrometheusExporter({
    host: process.env.OTEL_METRICS_HOST || '0.0.0.0',
    port: Number(port),
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
  // The exporter's listener must not keep a stopping backend alive.
  process.once('SIGTERM', () => exporter.shutdown().catch(() => {}));
}
