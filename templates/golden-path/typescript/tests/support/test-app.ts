import { createApp, type App, type AppOptions } from '../../src/app/bootstrap';
import { loadConfig } from '../../src/app/config';
import { createLogger } from '../../src/app/infrastructure/logger';
import { ALL_SCOPES, testIssuer } from './auth';

export interface TestApp {
  app: App;
  /** The API (/v1), as the gateway reaches it. */
  baseUrl: string;
  /** Probes, /metrics and /openapi.json. */
  managementUrl: string;
  stop(): Promise<void>;
}

/**
 * The real service, wired by the real bootstrap, listening on free loopback
 * ports, verifying tokens of the test issuer (tests/support/auth.ts). `env`
 * overrides the environment (DATABASE_URL of the test's own database, for
 * instance). Logs are silent unless TEST_LOG_LEVEL is set.
 */
export async function startTestApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const issuer = await testIssuer();
  const config = loadConfig({
    ...process.env,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    AUTH_JWKS_URL: issuer.jwksUrl,
    SHUTDOWN_DRAIN_MS: '0',
{%- if values.publishesEvents %}
    // Required by the configuration; the tests hand the relay a recording
    // publisher, so no broker is contacted.
    KAFKA_BROKERS: 'kafka.invalid:9092',
{%- endif %}
    ...env,
    PORT: '0',
    MANAGEMENT_PORT: '0',
  });
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', serviceName: config.SERVICE_NAME });
  const app = await createApp(config, { host: '127.0.0.1', logger, ...options });
  const { apiUrl, managementUrl } = await app.start();
  return { app, baseUrl: apiUrl, managementUrl, stop: () => app.stop() };
}

let serviceToken: Promise<string> | undefined;

/**
 * fetch with a JSON body; returns status, headers and the parsed body. Calls
 * to /v1 carry a token of a service holding every scope, unless `token`
 * gives another one (null: none).
 */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  let token = options.token;
  if (token === undefined && path.startsWith('/v1/')) {
    serviceToken ??= testIssuer().then(issuer => issuer.token({ sub: 'svc-test-caller', scope: ALL_SCOPES }));
    token = await serviceToken;
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(text) : undefined, text };
}

/** Value of one sample in Prometheus text format, or undefined if absent. */
export function sampleValue(metricsText: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (.+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[3] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map(m => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[4]);
  }
  return undefined;
}
