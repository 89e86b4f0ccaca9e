/**
 * The local Kubernetes API the portal's Kubernetes and Kyverno plugins read
 * in development and tests: it must answer as a real API server does.
 */
import { spawn } from 'node:child_process';
import {
  LOCAL_FIXTURES,
  LocalKubeApi,
  LocalKubeApiOptions,
  startLocalCluster,
  SERVER_SCRIPT,
  startLocalKubeApi,
  TEST_TOKEN,
} from './__testUtils__/localKubeApi';

type Json = any;

async function get(
  api: LocalKubeApi,
  path: string,
  init: { token?: string | null; method?: string } = {},
): Promise<{ status: number; body: Json; type: string | null }> {
  const token = init.token === undefined ? TEST_TOKEN : init.token;
  const res = await fetch(`${api.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      Accept: 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
  });
  const text = await res.text();
  const type = res.headers.get('content-type');
  return {
    status: res.status,
    type,
    body: type?.startsWith('application/json') ? JSON.parse(text) : text,
  };
}

/** Every item of a list, page by page; the pages too. */
async function listAll(api: LocalKubeApi, path: string, limit: number) {
  const pages: Json[] = [];
  let token: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const query = `limit=${limit}${
      token ? `&continue=${encodeURIComponent(token)}` : ''
    }`;
    const { status, body } = await get(api, `${path}${sep}${query}`);
    expect(status).toBe(200);
    pages.push(body);
    token = body.metadata.continue;
  } while (token);
  return { pages, items: pages.flatMap(p => p.items) };
}

const keyOf = (o: Json) =>
  `${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

function statusOf(body: Json) {
  expect(body).toMatchObject({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
  });
  expect(typeof body.message).toBe('string');
  return body;
}

describe('local Kubernetes API', () => {
  let api: LocalKubeApi;
  const started: LocalKubeApi[] = [];
  const start = async (options: Partial<LocalKubeApiOptions>) => {
    const s = await startLocalCluster(options);
    started.push(s);
    return s;
  };

  beforeAll(async () => {
    api = await startLocalCluster();
  });
  afterAll(async () => {
    await Promise.all([api, ...started].map(s => s.close()));
  });

  describe('discovery', () => {
    it('answers /version, /api and /api/v1', async () => {
      expect((await get(api, '/version')).body).toMatchObject({
        major: '1',
        gitVersion: expect.stringMatching(/^v1\.\d+\.\d+/),
        platform: 'linux/amd64',
      });
      expect((await get(api, '/api')).body).toMatchObject({
        kind: 'APIVersions',
        versions: ['v1'],
      });
      const { body } = await get(api, '/api/v1');
      expect(body.kind).toBe('APIResourceList');
      expect(body.groupVersion).toBe('v1');
      expect(body.apiVersion).toBeUndefined(); // as the real /api/v1
      const names = body.resources.map((r: Json) => r.name);
      for (const plural of [
        'pods',
        'services',
        'configmaps',
        'namespaces',
        'limitranges',
        'resourcequotas',
        'pods/log',
      ]) {
        expect(names).toContain(plural);
      }
      expect(body.resources.find((r: Json) => r.name === 'pods')).toEqual({
        name: 'pods',
        singularName: 'pod',
        namespaced: true,
        kind: 'Pod',
        verbs: ['get', 'list', 'watch'],
        shortNames: ['po'],
        categories: ['all'],
      });
      expect(
        body.resources.find((r: Json) => r.name === 'namespaces').namespaced,
      ).toBe(false);
    });

    it('lists the API groups with their versions', async () => {
      const { body } = await get(api, '/apis');
      expect(body).toMatchObject({ kind: 'APIGroupList', apiVersion: 'v1' });
      const versions = Object.fromEntries(
        body.groups.map((g: Json) => [
          g.name,
          g.versions.map((v: Json) => v.groupVersion),
        ]),
      );
      expect(versions).toMatchObject({
        apps: ['apps/v1'],
        autoscaling: ['autoscaling/v2'],
        batch: ['batch/v1'],
        'networking.k8s.io': ['networking.k8s.io/v1'],
        'wgpolicyk8s.io': ['wgpolicyk8s.io/v1alpha2'],
        'openreports.io': ['openreports.io/v1alpha1'],
        'kyverno.io': expect.arrayContaining([
          'kyverno.io/v1',
          'kyverno.io/v2',
        ]),
      });
      for (const g of body.groups) {
        expect(g.versions).toContainEqual(g.preferredVersion);
      }
      expect((await get(api, '/apis/apps')).body).toMatchObject({
        kind: 'APIGroup',
        name: 'apps',
        preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
      });
    });

    it('describes each group version: kinds, scope and verbs', async () => {
      const resources = async (gv: string) => {
        const { body } = await get(api, `/apis/${gv}`);
        expect(body).toMatchObject({
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: gv,
        });
        return Object.fromEntries(
          body.resources.map((r: Json) => [
            r.name,
            [r.kind, r.namespaced, r.verbs.join(',')],
          ]),
        );
      };
      expect(await resources('wgpolicyk8s.io/v1alpha2')).toEqual({
        policyreports: ['PolicyReport', true, 'get,list,watch'],
        clusterpolicyreports: ['ClusterPolicyReport', false, 'get,list,watch'],
      });
      expect(await resources('openreports.io/v1alpha1')).toEqual({
        reports: ['Report', true, 'get,list,watch'],
        clusterreports: ['ClusterReport', false, 'get,list,watch'],
      });
      expect(await resources('kyverno.io/v1')).toMatchObject({
        clusterpolicies: ['ClusterPolicy', false, 'get,list,watch'],
      });
      expect(await resources('kyverno.io/v2')).toMatchObject({
        policyexceptions: ['PolicyException', true, 'get,list,watch'],
      });
      expect(await resources('apps/v1')).toMatchObject({
        deployments: ['Deployment', true, 'get,list,watch'],
        'deployments/scale': ['Scale', true, 'get'],
      });
      expect(await resources('autoscaling/v2')).toMatchObject({
        horizontalpodautoscalers: [
          'HorizontalPodAutoscaler',
          true,
          'get,list,watch',
        ],
      });
    });
  });

  describe("the Kubernetes plugin's requests", () => {
    // DEFAULT_OBJECTS of @backstage/plugin-kubernetes-backend.
    const objects: Array<[string, string, number]> = [
      ['/api/v1', 'pods', 3],
      ['/api/v1', 'services', 1],
      ['/api/v1', 'configmaps', 1],
      ['/api/v1', 'limitranges', 0],
      ['/api/v1', 'resourcequotas', 0],
      ['/apis/apps/v1', 'deployments', 1],
      ['/apis/apps/v1', 'replicasets', 1],
      ['/apis/autoscaling/v2', 'horizontalpodautoscalers', 1],
      ['/apis/batch/v1', 'jobs', 0],
      ['/apis/batch/v1', 'cronjobs', 1],
      ['/apis/networking.k8s.io/v1', 'ingresses', 0],
      ['/apis/apps/v1', 'statefulsets', 0],
      ['/apis/apps/v1', 'daemonsets', 0],
    ];
    const selector = encodeURIComponent(
      'backstage.io/kubernetes-id=svc-wallet',
    );

    it.each(objects)(
      'lists %s/%s of an entity, per namespace and cluster-wide',
      async (base, plural, count) => {
        for (const path of [
          `${base}/namespaces/svc-wallet/${plural}?labelSelector=${selector}`,
          `${base}/${plural}?labelSelector=${selector}`,
        ]) {
          const { status, body } = await get(api, path);
          expect(status).toBe(200);
          expect(body.kind).toMatch(/List$/);
          expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
          expect(body.items).toHaveLength(count);
          for (const item of body.items) {
            expect(item.metadata.labels['backstage.io/kubernetes-id']).toBe(
              'svc-wallet',
            );
            // Built-in lists leave kind and apiVersion out of their items.
            expect(item.kind).toBeUndefined();
          }
        }
      },
    );

    it('gives Running pods with container statuses, owned by the ReplicaSet of the Deployment', async () => {
      const q = `?labelSelector=${selector}`;
      const pods = (await get(api, `/api/v1/namespaces/svc-wallet/pods${q}`))
        .body;
      const rs = (
        await get(api, `/apis/apps/v1/namespaces/svc-wallet/replicasets${q}`)
      ).body.items[0];
      const deploy = (
        await get(api, `/apis/apps/v1/namespaces/svc-wallet/deployments${q}`)
      ).body.items[0];
      expect(rs.metadata.ownerReferences[0]).toMatchObject({
        kind: 'Deployment',
        uid: deploy.metadata.uid,
      });
      for (const pod of pods.items) {
        expect(pod.status.phase).toBe('Running');
        expect(pod.status.containerStatuses[0]).toMatchObject({
          ready: true,
          state: { running: {} },
        });
        expect(pod.metadata.ownerReferences[0].uid).toBe(rs.metadata.uid);
      }
    });

    it('serves pod metrics (metrics.k8s.io) for when metrics are looked up', async () => {
      const { body } = await get(
        api,
        `/apis/metrics.k8s.io/v1beta1/namespaces/svc-wallet/pods?labelSelector=${selector}`,
      );
      expect(body.kind).toBe('PodMetricsList');
      expect(body.items).toHaveLength(3);
      expect(body.items[0].containers[0].usage).toEqual({
        cpu: expect.stringMatching(/^\d+n$/),
        memory: expect.stringMatching(/^\d+Ki$/),
      });
    });

    it('finds the platform workload by its label selector', async () => {
      const q = encodeURIComponent('app.kubernetes.io/component=metrics');
      const deploys = (
        await get(api, `/apis/apps/v1/deployments?labelSelector=${q}`)
      ).body.items;
      expect(deploys.map(keyOf)).toEqual([
        'platform-observability/prometheus-adapter',
      ]);
      expect(
        deploys[0].metadata.labels['backstage.io/kubernetes-id'],
      ).toBeUndefined();
      const pods = (
        await get(
          api,
          `/api/v1/namespaces/platform-observability/pods?labelSelector=${q}`,
        )
      ).body.items;
      expect(pods).toHaveLength(2);
    });
  });

  describe('paging with limit and continue', () => {
    it('returns every pod once, in key order, over several pages', async () => {
      const whole = (await get(api, '/api/v1/pods')).body;
      expect(whole.metadata.continue).toBeUndefined();
      expect(whole.metadata.remainingItemCount).toBeUndefined();
      const { pages, items } = await listAll(api, '/api/v1/pods', 4);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(items.map(keyOf)).toEqual(whole.items.map(keyOf));
      expect(new Set(items.map(keyOf)).size).toBe(items.length);
      const sorted = [...items.map(keyOf)].sort();
      expect(items.map(keyOf)).toEqual(sorted);
      // remainingItemCount: what is left after each page; none on the last.
      const left = pages.map((_, i) => whole.items.length - 4 * (i + 1));
      expect(pages.map(p => p.metadata.remainingItemCount)).toEqual(
        left.map(n => (n > 0 ? n : undefined)),
      );
      expect(pages.map(p => typeof p.metadata.continue)).toEqual(
        left.map(n => (n > 0 ? 'string' : 'undefined')),
      );
      // Every page is read at the resource version of the first.
      expect(new Set(pages.map(p => p.metadata.resourceVersion)).size).toBe(1);
    });

    it('pages the reports of either API group, cluster-wide and per namespace', async () => {
      for (const path of [
        '/apis/wgpolicyk8s.io/v1alpha2/policyreports',
        '/apis/openreports.io/v1alpha1/reports',
        '/apis/openreports.io/v1alpha1/namespaces/platform-observability/reports',
      ]) {
        const whole = (await get(api, path)).body;
        expect(whole.items.length).toBeGreaterThan(4);
        const { pages, items } = await listAll(api, path, 2);
        expect(pages.length).toBeGreaterThanOrEqual(3);
        expect(items.map(keyOf)).toEqual(whole.items.map(keyOf));
        // Custom resources keep kind and apiVersion in their items.
        expect(items[0].kind).toMatch(/Report$/);
      }
    });

    it('counts nothing left when a selector filters, as etcd does', async () => {
      const q = encodeURIComponent('app.kubernetes.io/part-of=local-plus');
      const { pages, items } = await listAll(
        api,
        `/api/v1/pods?labelSelector=${q}`,
        5,
      );
      expect(items).toHaveLength(14);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      for (const page of pages)
        expect(page.metadata.remainingItemCount).toBeUndefined();
    });

    it('refuses a token it cannot read, and a resource version beside it', async () => {
      const bad = await get(api, '/api/v1/pods?limit=2&continue=not-a-token!');
      expect(bad.status).toBe(400);
      expect(statusOf(bad.body)).toMatchObject({
        reason: 'BadRequest',
        code: 400,
        message: expect.stringContaining('invalid continue token'),
      });
      const first = (await get(api, '/api/v1/pods?limit=2')).body;
      const both = await get(
        api,
        `/api/v1/pods?limit=2&resourceVersion=1&continue=${first.metadata.continue}`,
      );
      expect(both.status).toBe(400);
    });

    it('answers 410 Expired for a continue token older than continueTtlMs', async () => {
      const quick = await start({ continueTtlMs: 50 });
      const first = (await get(quick, '/api/v1/pods?limit=5')).body;
      await new Promise(r => setTimeout(r, 120));
      const expired = await get(
        quick,
        `/api/v1/pods?limit=5&continue=${encodeURIComponent(
          first.metadata.continue,
        )}`,
      );
      expect(expired.status).toBe(410);
      expect(statusOf(expired.body)).toMatchObject({
        reason: 'Expired',
        code: 410,
        message: expect.stringMatching(
          /^The provided continue parameter is too old to display a consistent list result\./,
        ),
      });
      // The token in the answer goes on at the latest version (inconsistent list).
      const rest = await get(
        quick,
        `/api/v1/pods?limit=5&continue=${encodeURIComponent(
          expired.body.metadata.continue,
        )}`,
      );
      expect(rest.status).toBe(200);
      expect(rest.body.items.map(keyOf)[0] > first.items.map(keyOf)[4]).toBe(
        true,
      );
    });
  });

  describe('selectors', () => {
    const count = async (selector: string, path = '/api/v1/pods') => {
      const { status, body } = await get(
        api,
        `${path}?labelSelector=${encodeURIComponent(selector)}`,
      );
      expect(status).toBe(200);
      return body.items.length;
    };

    it('applies every label selector operator', async () => {
      const all = await count('');
      expect(all).toBe(18);
      expect(await count('backstage.io/kubernetes-id=svc-ledger')).toBe(3);
      expect(await count('backstage.io/kubernetes-id==svc-ledger')).toBe(3);
      // != and notin also match objects without the label.
      expect(await count('backstage.io/kubernetes-id!=svc-ledger')).toBe(
        all - 3,
      );
      expect(
        await count('backstage.io/kubernetes-id in (svc-ledger, svc-wallet)'),
      ).toBe(6);
      expect(
        await count('backstage.io/kubernetes-id notin (svc-ledger,svc-wallet)'),
      ).toBe(all - 6);
      expect(await count('backstage.io/kubernetes-id')).toBe(14);
      expect(await count('!backstage.io/kubernetes-id')).toBe(4);
      expect(
        await count(
          'app.kubernetes.io/part-of=local-plus,local-plus.io/criticality=P0',
        ),
      ).toBe(6);
      expect(
        await count(
          'local-plus.io/criticality in (P1,P2),!app.kubernetes.io/instance',
        ),
      ).toBe(8);
    });

    it('answers 400 for a selector it cannot parse', async () => {
      for (const selector of ['app in svc-ledger', 'a=b,', 'bad key!=x']) {
        const { status, body } = await get(
          api,
          `/api/v1/pods?labelSelector=${encodeURIComponent(selector)}`,
        );
        expect(status).toBe(400);
        expect(statusOf(body).reason).toBe('BadRequest');
      }
    });

    it('applies field selectors on metadata.name and metadata.namespace', async () => {
      const byNs = (
        await get(
          api,
          '/apis/apps/v1/deployments?fieldSelector=metadata.namespace%3Dsvc-ledger',
        )
      ).body;
      expect(byNs.items.map(keyOf)).toEqual(['svc-ledger/svc-ledger']);
      const byName = (
        await get(
          api,
          '/apis/apps/v1/deployments?fieldSelector=metadata.name%3Dotel-collector',
        )
      ).body;
      expect(byName.items.map(keyOf)).toEqual([
        'platform-observability/otel-collector',
      ]);
      const not = (
        await get(
          api,
          '/apis/apps/v1/deployments?fieldSelector=metadata.namespace!%3Dplatform-observability',
        )
      ).body;
      expect(not.items).toHaveLength(6);
      const unsupported = await get(
        api,
        '/apis/apps/v1/deployments?fieldSelector=spec.replicas%3D3',
      );
      expect(unsupported.status).toBe(400);
      expect(statusOf(unsupported.body).message).toBe(
        'field label not supported: spec.replicas',
      );
    });
  });

  describe('errors are Status objects', () => {
    it('401 without a token or with a wrong one', async () => {
      for (const token of [null, 'wrong-token']) {
        const { status, body } = await get(api, '/api/v1/pods', { token });
        expect(status).toBe(401);
        expect(body).toEqual({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'Unauthorized',
          reason: 'Unauthorized',
          code: 401,
        });
      }
    });

    it("403 for a forbidden resource, in the API server's words", async () => {
      const restricted = await start({ forbidden: ['policyreports'] });
      const all = await get(
        restricted,
        '/apis/wgpolicyk8s.io/v1alpha2/policyreports',
      );
      expect(all.status).toBe(403);
      expect(all.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'policyreports.wgpolicyk8s.io is forbidden: User "system:serviceaccount:backstage:kyverno-reader" cannot list resource "policyreports" in API group "wgpolicyk8s.io" at the cluster scope',
        reason: 'Forbidden',
        details: { group: 'wgpolicyk8s.io', kind: 'policyreports' },
        code: 403,
      });
      const inNs = await get(
        restricted,
        '/apis/wgpolicyk8s.io/v1alpha2/namespaces/svc-ledger/policyreports',
      );
      expect(inNs.body.message).toBe(
        'policyreports.wgpolicyk8s.io is forbidden: User "system:serviceaccount:backstage:kyverno-reader" cannot list resource "policyreports" in API group "wgpolicyk8s.io" in the namespace "svc-ledger"',
      );
      // Discovery still lists it (RBAC does not hide resources); others answer.
      expect(
        (await get(restricted, '/apis/wgpolicyk8s.io/v1alpha2')).status,
      ).toBe(200);
      expect(
        (await get(restricted, '/apis/openreports.io/v1alpha1/reports')).status,
      ).toBe(200);
    });

    it('404 for a missing object and for an unknown path', async () => {
      const missing = await get(
        api,
        '/apis/apps/v1/namespaces/svc-ledger/deployments/nope',
      );
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'deployments.apps "nope" not found',
        reason: 'NotFound',
        details: { name: 'nope', group: 'apps', kind: 'deployments' },
        code: 404,
      });
      expect(
        (await get(api, '/api/v1/namespaces/svc-ledger/pods/x')).body.message,
      ).toBe('pods "x" not found');
      for (const path of [
        '/apis/example.com/v1/widgets',
        '/api/v2',
        '/apis/apps/v1/widgets',
        '/nothing',
      ]) {
        const { status, body } = await get(api, path);
        expect(status).toBe(404);
        expect(statusOf(body)).toMatchObject({
          reason: 'NotFound',
          message: 'the server could not find the requested resource',
        });
      }
    });

    it('405 for anything but GET: it is read-only', async () => {
      for (const [method, path, action] of [
        ['POST', '/api/v1/namespaces/svc-ledger/pods', 'create'],
        [
          'DELETE',
          '/apis/apps/v1/namespaces/svc-ledger/deployments/svc-ledger',
          'delete',
        ],
        [
          'PATCH',
          '/apis/wgpolicyk8s.io/v1alpha2/namespaces/svc-ledger/policyreports/x',
          'patch',
        ],
      ]) {
        const { status, body } = await get(api, path, { method });
        expect(status).toBe(405);
        expect(statusOf(body)).toMatchObject({
          reason: 'MethodNotAllowed',
          code: 405,
          message: expect.stringContaining(
            `${action} is not supported on resources of kind`,
          ),
        });
      }
    });
  });

  describe('objects', () => {
    it('gets one object with kind and apiVersion; custom resources with sorted keys', async () => {
      const ns = (await get(api, '/api/v1/namespaces/svc-ledger')).body;
      expect(Object.keys(ns).slice(0, 3)).toEqual([
        'kind',
        'apiVersion',
        'metadata',
      ]);
      const list = (
        await get(
          api,
          '/apis/wgpolicyk8s.io/v1alpha2/namespaces/svc-ledger/policyreports',
        )
      ).body;
      const one = await get(
        api,
        `/apis/wgpolicyk8s.io/v1alpha2/namespaces/svc-ledger/policyreports/${list.items[0].metadata.name}`,
      );
      expect(one.status).toBe(200);
      expect(Object.keys(one.body)).toEqual([...Object.keys(one.body)].sort());
      expect(one.body).toEqual(list.items[0]);
    });

    it('streams a watch: the current objects, then silence until it times out', async () => {
      const res = await fetch(
        `${api.url}/apis/apps/v1/namespaces/svc-ledger/deployments?watch=1&timeoutSeconds=1`,
        { headers: { Authorization: `Bearer ${TEST_TOKEN}` } },
      );
      expect(res.status).toBe(200);
      const events = (await res.text())
        .trim()
        .split('\n')
        .map(l => JSON.parse(l));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'ADDED',
        object: { kind: 'Deployment' },
      });
    });

    it('serves the scale subresource and pod logs', async () => {
      const scale = (
        await get(
          api,
          '/apis/apps/v1/namespaces/svc-ledger/deployments/svc-ledger/scale',
        )
      ).body;
      expect(scale).toMatchObject({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        spec: { replicas: 3 },
      });
      const pod = (await get(api, '/api/v1/namespaces/svc-ledger/pods?limit=1'))
        .body.items[0];
      const log = await get(
        api,
        `/api/v1/namespaces/svc-ledger/pods/${pod.metadata.name}/log?tailLines=2`,
      );
      expect(log.type).toMatch(/^text\/plain/);
      expect(String(log.body).trim().split('\n')).toHaveLength(2);
    });
  });

  describe('the Kyverno reports of the fixtures', () => {
    const reportPaths = [
      '/apis/wgpolicyk8s.io/v1alpha2/policyreports',
      '/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports',
      '/apis/openreports.io/v1alpha1/reports',
      '/apis/openreports.io/v1alpha1/clusterreports',
    ];
    const allReports = async (server: LocalKubeApi) => {
      const out: Json[] = [];
      for (const p of reportPaths) {
        const { status, body } = await get(server, p);
        if (status === 404) continue;
        out.push(...body.items);
      }
      return out;
    };

    it('are per resource, as Kyverno writes them: named by uid, scoped to an object of the cluster', async () => {
      const reports = await allReports(api);
      expect(reports.length).toBeGreaterThan(30);
      for (const report of reports) {
        const { scope } = report;
        expect(report.metadata.name).toBe(scope.uid);
        expect(report.metadata.labels).toEqual({
          'app.kubernetes.io/managed-by': 'kyverno',
        });
        expect(report.metadata.ownerReferences[0]).toMatchObject({
          uid: scope.uid,
          kind: scope.kind,
        });
        const base = scope.apiVersion.includes('/')
          ? `/apis/${scope.apiVersion}`
          : `/api/${scope.apiVersion}`;
        const plural = (await get(api, base)).body.resources.find(
          (r: Json) => r.kind === scope.kind && !r.name.includes('/'),
        ).name;
        const target = (
          await get(
            api,
            `${base}${
              scope.namespace ? `/namespaces/${scope.namespace}` : ''
            }/${plural}/${scope.name}`,
          )
        ).body;
        expect(target.metadata.uid).toBe(scope.uid);
        const counts = {
          error: 0,
          fail: 0,
          pass: 0,
          skip: 0,
          warn: 0,
        } as Record<string, number>;
        for (const r of report.results) {
          counts[r.result] += 1;
          expect(r).toMatchObject({
            source: 'kyverno',
            timestamp: { nanos: 0 },
            properties: { process: 'background scan' },
          });
        }
        expect(report.summary).toEqual(counts);
      }
    });

    it('hold failures, an error, a warning and the skips of a PolicyException', async () => {
      const results = (await allReports(api)).flatMap(r =>
        r.results.map((res: Json) => ({
          ...res,
          scope: r.scope,
          kind: r.kind,
        })),
      );
      const find = (p: Partial<Json>) =>
        results.filter(r => Object.entries(p).every(([k, v]) => r[k] === v));
      const unsigned = find({
        policy: 'require-image-signature',
        rule: 'verify-localplus-image-signature',
        result: 'fail',
      });
      expect(unsigned.map(r => r.scope.namespace)).toEqual(
        Array(4).fill('svc-ledger'),
      );
      // Kyverno copies the policy's severity annotation: critical.
      expect(unsigned[0]).toMatchObject({
        severity: 'critical',
        kind: 'PolicyReport',
      });
      expect(
        find({ policy: 'require-resource-limits', result: 'fail' }).map(
          r => r.kind,
        ),
      ).toEqual(Array(3).fill('Report'));
      expect(find({ result: 'error' })).toHaveLength(1);
      expect(
        find({ result: 'warn', policy: 'disallow-latest-tag' }),
      ).toHaveLength(1);
      const skips = find({ result: 'skip' });
      expect(skips).toHaveLength(3);
      for (const s of skips) {
        expect(s.properties.exceptions).toBe('svc-notification-writable-root');
        expect(s.message).toBe(
          'rule is skipped due to policy exceptionskyverno/svc-notification-writable-root',
        );
      }
      const polex = await get(
        api,
        '/apis/kyverno.io/v2/namespaces/kyverno/policyexceptions/svc-notification-writable-root',
      );
      expect(polex.status).toBe(200);
      expect(find({ policy: 'disallow-host-path' }).length).toBeGreaterThan(0);
    });

    it('follow apiGroups: a cluster serving one report group hides the other', async () => {
      for (const [served, hidden] of [
        ['openreports.io', 'wgpolicyk8s.io'],
        ['wgpolicyk8s.io', 'openreports.io'],
      ] as const) {
        const one = await start({ apiGroups: [served] });
        const groups = (await get(one, '/apis')).body.groups.map(
          (g: Json) => g.name,
        );
        expect(groups).toContain(served);
        expect(groups).not.toContain(hidden);
        expect((await get(one, `/apis/${hidden}`)).status).toBe(404);
        const reports = await allReports(one);
        expect(reports.length).toBeGreaterThan(0);
        expect(reports.every(r => r.apiVersion.startsWith(served))).toBe(true);
      }
    });
  });

  it('delays every answer by latencyMs, errors too', async () => {
    const slow = await start({ latencyMs: 250 });
    for (const token of [TEST_TOKEN, null]) {
      const t0 = Date.now();
      await get(slow, '/api/v1/namespaces', { token });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    }
  });

  it('runs as a command that prints one ready line', async () => {
    const child = spawn(
      process.execPath,
      [
        SERVER_SCRIPT,
        '--port',
        '0',
        '--fixtures',
        LOCAL_FIXTURES,
        '--token',
        'cli-token',
        '--name',
        'local',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', d => {
          out += d;
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.on('exit', code => reject(new Error(`exited ${code}`)));
      });
      const m =
        /^local-kube-api: cluster 'local' on (http:\/\/127\.0\.0\.1:\d+) \((\d+) objects\)$/.exec(
          line,
        );
      expect(m).not.toBeNull();
      expect(Number(m![2])).toBeGreaterThan(100);
      const res = await fetch(`${m![1]}/api/v1/namespaces/svc-ledger`, {
        headers: { Authorization: 'Bearer cli-token' },
      });
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('generates 10,000 report results for benchmarks, spread over namespaces and groups', async () => {
    const started0 = Date.now();
    const bench = await startLocalKubeApi({
      token: 't',
      generate: { results: 10_000 },
    });
    started.push(bench);
    expect(Date.now() - started0).toBeLessThan(15_000);
    const items: Json[] = [];
    for (const p of [
      '/apis/wgpolicyk8s.io/v1alpha2/policyreports',
      '/apis/openreports.io/v1alpha1/reports',
    ]) {
      items.push(...(await get(bench, p, { token: 't' })).body.items);
    }
    const results = items.flatMap(r => r.results);
    expect(results).toHaveLength(10_000);
    expect(
      new Set(items.map(r => r.metadata.namespace)).size,
    ).toBeGreaterThanOrEqual(8);
    expect(new Set(items.map(r => r.kind))).toEqual(
      new Set(['PolicyReport', 'Report']),
    );
    const byResult = results.reduce((acc: Record<string, number>, r: Json) => {
      acc[r.result] = (acc[r.result] ?? 0) + 1;
      return acc;
    }, {});
    expect(byResult.pass).toBeGreaterThan(8_000);
    for (const r of ['fail', 'error', 'skip'])
      expect(byResult[r]).toBeGreaterThan(0);
    // The same every time.
    const again = await startLocalKubeApi({
      token: 't',
      generate: { results: 10_000 },
    });
    started.push(again);
    const first = (
      await get(again, '/apis/openreports.io/v1alpha1/reports?limit=5', {
        token: 't',
      })
    ).body.items;
    expect(first.map(keyOf)).toEqual(
      items
        .filter(r => r.kind === 'Report')
        .slice(0, 5)
        .map(keyOf),
    );
  });
});
