/**
 * What production may not have: guest sign-in, local publishing, TechDocs
 * built on the portal host, error answers with internals. Read from the
 * real config files, and the guest provider tried against the real auth
 * backend.
 */
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { authFeatures } from '../features';
import {
  loadPortalConfig,
  startPortalBackend,
} from '../__testUtils__/portalBackend';

jest.setTimeout(60_000);

const PRODUCTION = ['app-config.yaml', 'app-config.production.yaml'];
// Every ${VAR} of app-config.production.yaml, as a deployment sets them.
const env: Record<string, string> = {
  PORTAL_BASE_URL: 'https://portal.local-plus.example',
  POSTGRES_HOST: 'db',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'portal',
  POSTGRES_PASSWORD: 'x',
  AUTH_SESSION_SECRET: 'x',
  AUTH_GITHUB_CLIENT_ID: 'x',
  AUTH_GITHUB_CLIENT_SECRET: 'x',
  GITHUB_TOKEN: 'x',
  CONTAINER_REGISTRY: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  TECHDOCS_S3_BUCKET: 'local-plus-techdocs',
  TECHDOCS_S3_REGION: 'eu-west-1',
  PROMETHEUS_URL: 'http://prometheus:9090',
  DEAD_LETTERS_REDIS_URL: 'rediss://portal:x@valkey:6379/3',
  DATA_OWNERSHIP_PG_HOST: 'db',
  DATA_OWNERSHIP_PG_PORT: '5432',
  DATA_OWNERSHIP_PG_USER: 'x',
  DATA_OWNERSHIP_PG_PASSWORD: 'x',
  DATA_OWNERSHIP_PG_DATABASE: 'x',
  K8S_PROD_CLUSTER_URL: 'https://prod.eks',
  K8S_PROD_CLUSTER_CA_DATA: 'eA==',
  K8S_PROD_READER_ROLE_ARN: 'arn:aws:iam::123456789012:role/x',
  K8S_STAGING_CLUSTER_URL: 'https://staging.eks',
  K8S_STAGING_CLUSTER_CA_DATA: 'eA==',
  K8S_STAGING_READER_ROLE_ARN: 'arn:aws:iam::123456789012:role/x',
  K8S_DEV_CLUSTER_URL: 'https://dev.eks',
  K8S_DEV_CLUSTER_CA_DATA: 'eA==',
  K8S_DEV_READER_ROLE_ARN: 'arn:aws:iam::123456789012:role/x',
  KAFKA_BROKERS: 'kafka:9092',
  KAFKA_CA_CERT: 'x',
  KAFKA_SASL_USERNAME: 'x',
  KAFKA_SASL_PASSWORD: 'x',
};

describe('production configuration', () => {
  it('has no guest provider, no local publishing, no TechDocs builds and no internals in errors', async () => {
    const config = await loadPortalConfig({ files: PRODUCTION, env });
    expect(config.has('auth.providers.guest')).toBe(false);
    expect(config.getConfig('auth.providers').keys()).toEqual(['github']);
    expect(config.getStringArray('localPlus.signIn.providers')).toEqual([
      'github',
    ]);
    expect(config.getBoolean('scaffolder.localPublish.enabled')).toBe(false);
    expect(config.getBoolean('localPlus.catalog.allowFileLocations')).toBe(
      false,
    );
    // CI builds and publishes the docs; the portal only reads them.
    expect(config.getString('techdocs.builder')).toBe('external');
    expect(config.getString('techdocs.publisher.type')).not.toBe('local');
    expect(config.getBoolean('localPlus.errors.exposeDetails')).toBe(false);
  });

  it('admits users and groups from the org file only', async () => {
    const orgSources = async (files: string[]) => {
      const config = await loadPortalConfig({ files, env });
      const global = config
        .getConfigArray('catalog.rules')
        .filter(rule => !rule.has('locations'))
        .flatMap(rule => rule.getStringArray('allow'));
      expect(global).not.toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^(user|group|location)$/i),
        ]),
      );
      return config.getConfigArray('catalog.locations').flatMap(l =>
        (l.getOptionalConfigArray('rules') ?? [])
          .flatMap(r => r.getStringArray('allow'))
          .filter(k => /^(user|group)$/i.test(k))
          .map(k => `${k} from ${l.getString('target')}`),
      );
    };
    expect(await orgSources(PRODUCTION)).toEqual([
      'User from ./catalog/org.yaml',
      'Group from ./catalog/org.yaml',
    ]);
    // Development adds the guest of guest sign-in, a User only.
    expect(await orgSources(['app-config.yaml'])).toEqual([
      'User from ../../catalog/org.yaml',
      'Group from ../../catalog/org.yaml',
      'User from ../../catalog/development/guest.yaml',
    ]);
  });

  it('answers 404 for guest sign-in in production, and signs the guest in in development', async () => {
    const production = await startPortalBackend({
      files: PRODUCTION,
      env,
      features: [catalogPlugin, ...authFeatures],
      overrides: {
        catalog: { locations: [] },
        // SQLite in memory, one connection: not what production runs on,
        // but the auth backend's providers do not depend on it.
        backend: {
          database: {
            client: 'better-sqlite3',
            connection: ':memory:',
            knexConfig: null,
            pluginDivisionMode: null,
          },
        },
      },
    });
    try {
      const res = await production.request('GET', '/api/auth/guest/refresh');
      expect(res.status).toBe(404);
    } finally {
      await production.stop();
    }

    const development = await startPortalBackend({
      features: [catalogPlugin, ...authFeatures],
      overrides: { catalog: { locations: [] } },
    });
    try {
      const res = await development.request('GET', '/api/auth/guest/refresh');
      expect(res.status).not.toBe(404);
    } finally {
      await development.stop();
    }
  });
});
