import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
{%- if values.ownsTables %}
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
{%- endif %}
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';

type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];

/** Paths that are probes or scrapes, not user traffic: no spans for them. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Spans are still created (and their ids logged and passed on to Kafka
 * headers and downstream calls) when no collector is configured; they are
 * just not exported. That keeps log lines correlated with the caller's trace.
 */
const dropSpans: SpanProcessor = {
  onStart: () => {},
  onEnd: () => {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP collector endpoint; spans are exported only when it is set. */
  otlpEndpoint?: string;
}

/**
 * Starts OpenTelemetry tracing. Must run before `http`{% if values.ownsTables %} and `pg`{% endif %} are first
 * required, which is why src/main.ts calls it before importing the app.
 * Sampling follows the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG
 * variables (parent-based, always on by default; the platform sets 10 % in
 * production).
 */
export function startTelemetry(options: TelemetryOptions, env: NodeJS.ProcessEnv = process.env): Pick<NodeSDK, 'shutdown'> {
  // The standard switch: nothing is installed, not even the instrumentations,
  // which cost CPU on every request even for spans that are not sampled
  // (about a fifth of a write's; see the golden-path benchmark).
  if (env.OTEL_SDK_DISABLED === 'true') return { shutdown: async () => {} };
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    // The collector's endpoint is the standard variable, read by the exporter
    // itself (it appends /v1/traces).
    spanProcessors: options.otlpEndpoint ? undefined : [dropSpans],
    traceExporter: options.otlpEndpoint ? new OTLPTraceExporter() : undefined,
    // Metrics are scraped by Prometheus (prom-client) and logs go to stdout:
    // the SDK must not start its own OTLP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: req => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
      }),
{%- if values.ownsTables %}
      new PgInstrumentation({ requireParentSpan: true }),
{%- endif %}
    ],
  });
  sdk.start();
  return sdk;
}
