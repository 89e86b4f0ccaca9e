/**
 * The portal's backend in-process for the security tests: the real config
 * files (app-config.yaml, optionally app-config.production.yaml) with
 * `${VAR}`s from a given map, the real permissions service (pass
 * permissionFeatures from ../features for the role policy), and the
 * features under test. Users are mock
 * tokens (mockCredentials.user.header(ref)); their ownership comes from
 * the catalog as sign-in computes it — the user and the groups it is a
 * member of — so the catalog's org decides roles, as in production.
 */
import { httpRouterServiceFactory } from '@backstage/backend-defaults/httpRouter';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  BackendFeature,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { CatalogClient } from '@backstage/catalog-client';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import { JsonObject } from '@backstage/types';
import { waitFor } from '@internal/test-services';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../../..');

export type PortalBackend = {
  baseUrl: string;
  config: ConfigReader;
  /** fetch against the backend, as `as` (a user ref, 'service' or none). */
  request(
    method: string,
    route: string,
    options?: { as?: string; body?: unknown },
  ): Promise<Response>;
  /** The entity as the catalog serves it, read with a service token. */
  getEntity(ref: string): Promise<any | undefined>;
  /** The backend's Express app, for listing routes. */
  app(): any;
  stop(): Promise<void>;
};

/** Reads config files as the backend does, `${VAR}` from `env` only. */
export async function loadPortalConfig(options: {
  files: string[];
  env?: Record<string, string>;
  overrides?: JsonObject;
}): Promise<ConfigReader> {
  const source = ConfigSources.defaultForTargets({
    rootDir: repoRoot,
    targets: options.files.map(f => ({
      type: 'path' as const,
      target: path.join(repoRoot, f),
    })),
    substitutionFunc: async name => options.env?.[name],
  });
  for await (const { configs } of source.readConfigData()) {
    return ConfigReader.fromConfigs([
      ...configs,
      ...(options.overrides
        ? [{ data: options.overrides, context: 'test overrides' }]
        : []),
    ]);
  }
  throw new Error('no config read');
}

/**
 * userInfo as sign-in computes it (the auth backend's default ownership
 * resolution): the user, and every group the catalog relates it to with
 * `memberOf`. A user the catalog does not know owns only itself.
 */
const catalogOwnershipUserInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: { discovery: coreServices.discovery, auth: coreServices.auth },
  factory({ discovery, auth }) {
    const catalog = new CatalogClient({ discoveryApi: discovery });
    return {
      async getUserInfo(credentials) {
        const principal = credentials.principal as { userEntityRef?: string };
        if (!principal?.userEntityRef) {
          throw new Error('userInfo needs user credentials');
        }
        const userEntityRef = principal.userEntityRef;
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf: await auth.getOwnServiceCredentials(),
          targetPluginId: 'catalog',
        });
        const user = await catalog.getEntityByRef(userEntityRef, { token });
        const groups = (user?.relations ?? [])
          .filter(r => r.type === 'memberOf')
          .map(r => r.targetRef);
        return {
          userEntityRef,
          ownershipEntityRefs: [
            user ? stringifyEntityRef(user) : userEntityRef,
            ...groups,
          ],
        };
      },
    };
  },
});

/**
 * Mock auth whose tokens on behalf of a user name the calling plugin as
 * actor, as the real auth service's do. Without it the permission backend
 * takes a plugin's resource-permission check for a user's own request and
 * refuses it (it only answers resource permissions to plugins).
 */
const pluginTokensWithActor = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) => {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const getPluginRequestToken: typeof auth.getPluginRequestToken =
      async options => {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type === 'user' && principal.userEntityRef) {
          return {
            token: mockCredentials.user.token(principal.userEntityRef, {
              actor: { subject: `plugin:${plugin.getId()}` },
            }),
          };
        }
        return auth.getPluginRequestToken(options);
      };
    return Object.assign(Object.create(auth), { getPluginRequestToken });
  },
});

export async function startPortalBackend(options: {
  files?: string[];
  env?: Record<string, string>;
  overrides?: JsonObject;
  features: BackendFeature[];
}): Promise<PortalBackend> {
  const loaded = await loadPortalConfig({
    files: options.files ?? ['app-config.yaml'],
    env: options.env,
    overrides: {
      ...options.overrides,
      backend: {
        ...(options.overrides?.backend as JsonObject | undefined),
        baseUrl: 'http://localhost:0',
        listen: { port: 0 },
      },
    },
  });
  // Relative paths of the config are relative to the backend's folder,
  // where it runs; jest may run from the repository's root.
  const fromBackend = (p: string) =>
    path.resolve(repoRoot, 'packages/backend', p);
  const config = ConfigReader.fromConfigs([
    { context: 'config', data: loaded.get() as JsonObject },
    {
      context: 'paths resolved from packages/backend',
      data: {
        catalog: {
          locations:
            loaded.getOptionalConfigArray('catalog.locations')?.map(l => {
              const location = l.get() as JsonObject;
              return l.getString('type') === 'file'
                ? { ...location, target: fromBackend(l.getString('target')) }
                : location;
            }) ?? [],
        },
        kyverno: {
          policies: {
            directory: fromBackend(
              loaded.getOptionalString('kyverno.policies.directory') ??
                '../../policies/kyverno',
            ),
          },
        },
        ...(loaded.has('templateUpgrades')
          ? {
              templateUpgrades: {
                goldenPath: {
                  directory: fromBackend(
                    loaded.getString('templateUpgrades.goldenPath.directory'),
                  ),
                  ...(loaded.has('templateUpgrades.goldenPath.history')
                    ? {
                        history: fromBackend(
                          loaded.getString(
                            'templateUpgrades.goldenPath.history',
                          ),
                        ),
                      }
                    : {}),
                },
                localRepositories: (
                  loaded.getOptionalStringArray(
                    'templateUpgrades.localRepositories',
                  ) ?? []
                ).map(fromBackend),
              },
            }
          : {}),
        dataOwnership: {
          declared: {
            tables: (
              loaded.getOptionalStringArray('dataOwnership.declared.tables') ??
              []
            ).map(fromBackend),
            topics: (
              loaded.getOptionalStringArray('dataOwnership.declared.topics') ??
              []
            ).map(fromBackend),
          },
        },
      },
    },
  ]);

  const backend = await startTestBackend({
    features: [
      createServiceFactory({
        service: coreServices.rootConfig,
        deps: {},
        factory: () => config,
      }),
      // The real permission framework: plugins ask the permission backend,
      // which asks the Local-Plus role policy.
      permissionsServiceFactory,
      // The real plugin router: its credentials barrier and auth policies.
      httpRouterServiceFactory,
      // A request without a token has no credentials (the mock's default
      // would be a user).
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      catalogOwnershipUserInfo,
      pluginTokensWithActor,
      ...options.features,
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}`;

  const request: PortalBackend['request'] = (method, route, opts = {}) => {
    const headers: Record<string, string> = {};
    if (opts.as === 'service') {
      headers.authorization = mockCredentials.service.header();
    } else if (opts.as) {
      headers.authorization = mockCredentials.user.header(opts.as);
    }
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${baseUrl}${route}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  };

  return {
    baseUrl,
    config,
    request,
    async getEntity(ref) {
      const [kind, rest] = ref.split(':');
      const [namespace, name] = rest.split('/');
      const res = await request(
        'GET',
        `/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
        { as: 'service' },
      );
      return res.ok ? res.json() : undefined;
    },
    app: () => backend.server.listeners('request')[0],
    stop: () => backend.stop(),
  };
}

/** Polls `check` every 250 ms until it returns a value (not undefined or false). */
export function waitUntil<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  return waitFor(check, what, {
    timeoutMs,
    intervalMs: 250,
    timeoutMessage: `timed out waiting for ${what}`,
  });
}
