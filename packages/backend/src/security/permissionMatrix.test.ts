/**
 * The permission matrix (permissionMatrix.ts), checked against the whole
 * portal backend (features.ts) with the real role policy: every row is
 * sent as each caller, and every route a Local-Plus plugin serves must
 * have a row.
 */
import signalsPlugin from '@backstage/plugin-signals-backend';
import { portalFeatures } from '../features';
import {
  PortalBackend,
  startPortalBackend,
  waitUntil,
} from '../__testUtils__/portalBackend';
import { listRoutes } from '../__testUtils__/listRoutes';
import {
  CALLERS,
  Caller,
  LOCAL_PLUS_PLUGINS,
  PERMISSION_MATRIX,
} from './permissionMatrix';

jest.setTimeout(180_000);

/** One user per role, holding that role only (bound by user ref). */
const USERS: Record<Exclude<Caller, 'none' | 'service'>, string> = {
  developer: 'user:default/matrix-developer',
  'on-call': 'user:default/matrix-on-call',
  'compliance-reviewer': 'user:default/matrix-compliance-reviewer',
  'platform-admin': 'user:default/matrix-platform-admin',
};

describe('the permission matrix', () => {
  let backend: PortalBackend;

  beforeAll(async () => {
    backend = await startPortalBackend({
      // Signals (websockets only) needs a root router the test backend
      // lacks; it serves no route of the matrix.
      features: portalFeatures.filter(f => f !== signalsPlugin),
      overrides: {
        permission: {
          roleBindings: Object.fromEntries(
            Object.entries(USERS).map(([role, user]) => [role, [user]]),
          ),
        },
        // Dependencies that answer at once that they are not there: a
        // route that lets the caller through then says 503, quickly.
        slo: {
          prometheus: [
            { name: 'local', baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000 },
          ],
        },
        runbooks: {
          prometheus: { baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000 },
        },
        deadLetters: {
          redis: {
            url: 'redis://127.0.0.1:9/3',
            connectTimeoutMs: 500,
            commandTimeoutMs: 500,
          },
        },
        dataOwnership: { databases: [] },
        scaffolder: {
          localPublish: { targetDirectory: '/nonexistent-matrix' },
        },
      },
    });
    await waitUntil(
      () => backend.getEntity('component:default/svc-ledger'),
      'the catalog to load svc-ledger',
    );
    await waitUntil(
      () => backend.getEntity('template:default/svc-typescript'),
      'the golden-path template',
    );
  });

  afterAll(() => backend?.stop());

  const cases = PERMISSION_MATRIX.flatMap(row =>
    CALLERS.map(
      (caller, i) => [row.route, caller, row.answers[i], row] as const,
    ),
  );

  it.each(cases)('%s as %s: %s', async (route, caller, answer, row) => {
    const method = route.split(' ')[0];
    const users: Record<Caller, string | undefined> = {
      ...USERS,
      none: undefined,
      service: 'service',
    };
    const res = await backend.request(method, row.request.path, {
      as: users[caller],
      body: row.request.body,
    });
    // 'ok' is anything but a refusal; the body comes along to tell why.
    const got = {
      answer: res.status === 401 || res.status === 403 ? res.status : 'ok',
      body: (await res.text()).slice(0, 300),
    };
    expect(got).toEqual({ answer, body: expect.any(String) });
  });

  it('has a row for every route of every Local-Plus plugin', () => {
    const served = listRoutes(backend.app())
      .filter(r =>
        LOCAL_PLUS_PLUGINS.some(p =>
          r.startsWith(`${r.split(' ')[0]} /api/${p}/`),
        ),
      )
      // What the framework adds to every plugin (its cookie, JWKS and
      // permission-integration routes) carries the framework's own checks.
      .filter(r => !/\/\.(backstage|well-known\/backstage)\//.test(r))
      .sort();
    const inTable = new Set(PERMISSION_MATRIX.map(r => r.route));
    expect(served.length).toBeGreaterThan(0);
    expect(served.filter(r => !inTable.has(r))).toEqual([]);
  });

  it('knows every plugin the backend mounts', () => {
    const UPSTREAM = [
      'app',
      'auth',
      'catalog',
      'kubernetes',
      'mcp-actions',
      'notifications',
      'signals',
      'permission',
      'proxy',
      'scaffolder',
      'search',
      'signals',
      'techdocs',
      'user-settings',
    ];
    const mounted = [
      ...new Set(
        listRoutes(backend.app())
          .map(r => r.split(' ')[1].match(/^\/api\/([^/]+)\//)?.[1])
          .filter((p): p is string => !!p),
      ),
    ];
    // A new plugin is either upstream (listed above) or ours, and then its
    // routes must be in the matrix: add it to LOCAL_PLUS_PLUGINS.
    expect(
      mounted.filter(
        p => !UPSTREAM.includes(p) && !LOCAL_PLUS_PLUGINS.includes(p),
      ),
    ).toEqual([]);
  });
});
