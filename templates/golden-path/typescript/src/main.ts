import { ConfigError, loadConfig } from './app/config';
import { startTelemetry } from './app/infrastructure/telemetry';

/**
 * Entry point of the container: `node dist/main.js`. Serves the API on PORT
 * and runs the background work in the same process.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const telemetry = startTelemetry({
    serviceName: config.SERVICE_NAME,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  // Loaded only now, after the tracer is installed, so that http{% if values.ownsTables %} and pg{% endif %} are
  // instrumented when they are first required.
  const { createApp } = await import('./app/bootstrap.js');
  // After SIGTERM, /readyz fails for SHUTDOWN_DRAIN_MS while Kubernetes
  // removes the pod from the endpoints, then the close steps get
  // SHUTDOWN_TIMEOUT_MS: with the 5 s preStop, 20 s of the 30 s grace period.
  const app = await createApp(config);
  await app.start();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    // Whatever happens below (a close step that ignores its deadline, a
    // telemetry exporter waiting on the network), the process is gone by then.
    setTimeout(() => {
      app.logger.fatal('shutdown overran its deadline; exiting');
      process.exit(1);
    }, config.SHUTDOWN_DRAIN_MS + config.SHUTDOWN_TIMEOUT_MS + 2_000).unref();
    app
      .stop()
      .then(() => telemetry.shutdown())
      .then(
        () => process.exit(0),
        error => {
          app.logger.error({ err: error }, 'unclean shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch(error => {
  // Before the logger exists (bad configuration): one JSON line on stderr.
  const message = error instanceof ConfigError ? error.message : String(error?.stack ?? error);
  process.stderr.write(`${JSON.stringify({ level: 'fatal', message })}\n`);
  process.exit(1);
});
