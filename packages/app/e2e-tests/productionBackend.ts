/**
 * How the end-to-end tests start the production backend: the built backend,
 * production config plus the e2e overrides, on the PostgreSQL started by
 * scripts/services.sh (LOCALPLUS_PG_*).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
/** Where the end-to-end backend reads dead letters (scripts/dev-dead-letters.cjs fills it). */
export const deadLettersRedisUrl = `${(
  process.env.LOCALPLUS_REDIS_URL ?? 'redis://127.0.0.1:56379'
).replace(/\/\d*$/, '')}/3`;

export const port = Number(process.env.PORTAL_E2E_PORT ?? 7017);
export const baseURL = `http://localhost:${port}`;

/**
 * Where the golden-path journey's `publish:local` writes generated
 * repositories; emptied by the test before it runs.
 */
export const scaffoldedDir = path.join(repoRoot, '.tmp/e2e-scaffolded');

/**
 * Where the template-upgrade journey's service lives: a repository one
 * golden-path release behind, with a change of its own
 * (scripts/dev-upgrade-demo.cjs, made here once, before any backend starts).
 */
export const upgradesDir = path.join(repoRoot, '.tmp/e2e-upgrades');
execFileSync(
  'node',
  [path.join(repoRoot, 'scripts/dev-upgrade-demo.cjs'), upgradesDir],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);

/** The backend's log, kept for the tests that check what it reports. */
export const backendLog = path.join(repoRoot, '.tmp/e2e-backend.log');

export const backendEnv: Record<string, string> = {
  PROD_BACKEND_LOG: backendLog,
  LOCALPLUS_E2E_SCAFFOLDED_DIR: scaffoldedDir,
  LOCALPLUS_E2E_UPGRADES_DIR: upgradesDir,
  // Older golden-path releases are read from this checkout's history.
  LOCALPLUS_REPO_ROOT: repoRoot,
  PORTAL_BASE_URL: baseURL,
  PORTAL_PORT: String(port),
  AUTH_SESSION_SECRET: 'e2e-session-secret-not-for-production',
  AUTH_GITHUB_CLIENT_ID: 'e2e-client-id',
  AUTH_GITHUB_CLIENT_SECRET: 'e2e-client-secret',
  GITHUB_TOKEN: 'e2e-github-token',
  // The cluster `local` of the test services (app-config.e2e.yaml replaces
  // production's EKS clusters with it).
  LOCALPLUS_KUBE_URL:
    process.env.LOCALPLUS_KUBE_URL ?? 'http://127.0.0.1:59601',
  LOCALPLUS_KUBE_TOKEN:
    process.env.LOCALPLUS_KUBE_TOKEN ?? 'local-plus-test-token',
  PROMETHEUS_URL:
    process.env.LOCALPLUS_PROMETHEUS_URL ?? 'http://127.0.0.1:59090',
  POSTGRES_HOST: process.env.LOCALPLUS_PG_HOST ?? '127.0.0.1',
  POSTGRES_PORT: process.env.LOCALPLUS_PG_PORT ?? '55432',
  POSTGRES_USER: process.env.LOCALPLUS_PG_USER ?? 'postgres',
  POSTGRES_PASSWORD: process.env.LOCALPLUS_PG_PASSWORD ?? '',
  // Read by app-config.production.yaml; the e2e config turns Kafka off.
  KAFKA_BROKERS: '127.0.0.1:9',
  KAFKA_CA_CERT: 'unused',
  KAFKA_SASL_USERNAME: 'unused',
  KAFKA_SASL_PASSWORD: 'unused',
  // Read by app-config.production.yaml; the e2e config publishes locally.
  TECHDOCS_S3_BUCKET: 'e2e-unused',
  TECHDOCS_S3_REGION: 'eu-west-1',
  // The test services' Redis, database 3: the dead-letter journey seeds it.
  DEAD_LETTERS_REDIS_URL: deadLettersRedisUrl,
  // The shared cache (backend.cache) on the same Redis, database 4.
  CACHE_REDIS_URL: deadLettersRedisUrl.replace(/\/3$/, '/4'),
};

export const backendCommand = [
  'bash',
  'scripts/prod-backend.sh',
  '--config',
  `${repoRoot}/packages/app/e2e-tests/app-config.e2e.yaml`,
];
