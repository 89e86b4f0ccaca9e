/**
 * The Kyverno plugin end to end in a backend, with the real Kubernetes
 * plugin in front of local Kubernetes APIs (scripts/local-kube-api): the
 * seed's workloads and their reports in both API groups, paged; a cluster
 * that serves only wgpolicyk8s.io whose continue token expires mid-list;
 * one down; one that answers 403.
 */
import {
  coreServices,
  createServiceFactory,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ComplianceReport,
  EntityPolicyReport,
  EXPORT_COLUMNS,
  SnapshotList,
} from '@internal/plugin-kyverno-common';
import request from 'supertest';
import {
  LocalKubeApi,
  POLICIES_DIR,
  startLocalCluster,
  startLocalKubeApi,
  TEST_TOKEN,
} from './__testUtils__/localKubeApi';
import kyvernoPlugin from './index';

jest.setTimeout(90_000);

const RITA = 'user:default/rita'; // compliance reviewer
const DEV = 'user:default/dev'; // developer: reads, never exports

const component = (
  name: string,
  annotations: Record<string, string>,
  system = 'system:default/wallet',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'group:default/product-team', system },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/product-team' },
    { type: 'partOf', targetRef: system },
  ],
});

const ENTITIES = [
  component('svc-ledger', {
    'backstage.io/kubernetes-id': 'svc-ledger',
    'backstage.io/kubernetes-namespace': 'svc-ledger',
  }),
  component(
    'svc-analytics',
    { 'backstage.io/kubernetes-id': 'svc-analytics' },
    'system:default/analytics',
  ),
  component('svc-notification', {
    'backstage.io/kubernetes-namespace': 'svc-notification',
  }),
  component(
    'platform-observability',
    {
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/name in (prometheus-adapter,opentelemetry-collector)',
      'backstage.io/kubernetes-namespace': 'platform-observability',
    },
    'system:default/local-plus',
  ),
];

/** The plugin's scheduled tasks, run when the test says so. */
const tasks = new Map<string, () => Promise<void>>();
const scheduler = createServiceFactory({
  service: coreServices.scheduler,
  deps: {},
  factory: () =>
    ({
      async scheduleTask(
        task: SchedulerServiceTaskScheduleDefinition & {
          id: string;
          fn: Function;
        },
      ) {
        tasks.set(task.id, () => task.fn(new AbortController().signal));
      },
      async triggerTask(id: string) {
        await tasks.get(id)!();
      },
      async getScheduledTasks() {
        return [];
      },
    } as unknown as SchedulerService),
});

/** RFC 4180: quoted fields, "" for a quote, line breaks inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

describe('kyverno plugin, against local Kubernetes APIs', () => {
  let clusters: LocalKubeApi[];
  let backend: TestBackend;
  const as = (user: string) => mockCredentials.user.header(user);

  async function snapshots(): Promise<SnapshotList['snapshots']> {
    const res = await request(backend.server)
      .get('/api/kyverno/snapshots')
      .set('Authorization', as(DEV));
    expect(res.status).toBe(200);
    return res.body.snapshots;
  }

  beforeAll(async () => {
    const local = await startLocalCluster();
    const wgOnly = await startLocalCluster({
      apiGroups: ['wgpolicyk8s.io'],
      expireContinueTokens: 1,
    });
    const forbidden = await startLocalCluster({
      forbidden: ['policyreports', 'reports'],
    });
    // Answers every request, but far later than the plugin waits. The wait is
    // generous (10 s) so that a busy CI machine never times out the others.
    const slow = await startLocalCluster({ latencyMs: 120_000 });
    // One report that is not a report: skipped and named, the rest kept.
    const malformed = await startLocalKubeApi({
      token: TEST_TOKEN,
      objects: [
        {
          apiVersion: 'wgpolicyk8s.io/v1alpha2',
          kind: 'PolicyReport',
          metadata: { name: 'broken', namespace: 'svc-ledger' },
          results: 'not a list',
        },
      ],
    });
    const down = await startLocalCluster();
    await down.close();
    clusters = [local, wgOnly, forbidden, slow, malformed];
    const cluster = (name: string, api: LocalKubeApi) => ({
      name,
      url: api.url,
      authProvider: 'serviceAccount',
      serviceAccountToken: 'local-plus-test-token',
      skipMetricsLookup: true,
    });
    backend = await startTestBackend({
      features: [
        kubernetesPlugin,
        kyvernoPlugin,
        scheduler,
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    cluster('local', local),
                    cluster('wg-only', wgOnly),
                    cluster('forbidden', forbidden),
                    cluster('down', down),
                    cluster('slow', slow),
                    cluster('malformed', malformed),
                  ],
                },
              ],
            },
            kyverno: {
              policies: { directory: POLICIES_DIR },
              // 282 results in pages of 7: dozens of pages per kind.
              pageSize: 7,
              requestTimeoutMs: 10_000,
              schedule: { frequencyMinutes: 60, initialDelaySeconds: 0 },
            },
          },
        }),
        catalogServiceMock.factory({ entities: ENTITIES }),
        mockServices.permissions.mock({
          authorize: async (requests, options) =>
            requests.map(r => {
              const user = (
                options?.credentials?.principal as { userEntityRef?: string }
              )?.userEntityRef;
              const exporting = r.permission.name === 'kyverno.evidence.export';
              return {
                result:
                  !exporting || user === RITA
                    ? AuthorizeResult.ALLOW
                    : AuthorizeResult.DENY,
              };
            }),
        }).factory,
      ],
    });
    // The first snapshot, as the schedule takes it after start-up.
    await tasks.get('kyverno-snapshot')!();
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all(clusters.map(c => c.close()));
  });

  it("reads every cluster's reports: both APIs, paged; one down, one slow and one forbidden give their own error only, a malformed report is named and skipped", async () => {
    const [snapshot] = await snapshots();
    const byName = Object.fromEntries(
      snapshot.clusters.map(c => [c.cluster, c]),
    );
    expect(byName.local.error).toBeUndefined();
    expect(byName.local).toMatchObject({
      ok: true,
      apis: ['wgpolicyk8s.io/v1alpha2', 'openreports.io/v1alpha1'],
      results: 282,
    });
    // Its continue token expired once: read again from the start, whole.
    expect(byName['wg-only']).toMatchObject({
      ok: true,
      apis: ['wgpolicyk8s.io/v1alpha2'],
    });
    expect(byName['wg-only'].warnings.join('\n')).toMatch(
      /continue token expired/,
    );
    expect(byName['wg-only'].results).toBeGreaterThan(0);
    expect(byName['wg-only'].results).toBeLessThan(282);
    expect(byName.forbidden.ok).toBe(false);
    expect(byName.forbidden.error).toMatch(
      /cluster 'forbidden' answered 403 Forbidden.*policyreports.*backstage-kyverno-reader\.yaml/,
    );
    expect(byName.slow).toMatchObject({ ok: false });
    expect(byName.slow.error).toMatch(
      /cluster 'slow' could not be reached: no answer within 10000 ms/,
    );
    expect(byName.malformed).toMatchObject({
      ok: true,
      reports: 1,
      results: 0,
    });
    expect(byName.malformed.warnings.join('\n')).toMatch(
      /policyreports svc-ledger\/broken on cluster 'malformed' skipped: results/,
    );
    expect(byName.down.ok).toBe(false);
    expect(byName.down.error).toMatch(/down/);
  });

  it("a service's tab: its results matched by kubernetes-id and namespace, failing grouped by policy, open since the snapshot", async () => {
    const res = await request(backend.server)
      .get('/api/kyverno/entities/component/default/svc-ledger/results')
      .set('Authorization', as(DEV));
    expect(res.status).toBe(200);
    const body: EntityPolicyReport = res.body;
    expect(body.failing.map(g => g.policy)).toEqual([
      'require-image-signature',
    ]);
    const [group] = body.failing;
    expect(group).toMatchObject({
      severity: 'critical',
      controls: expect.arrayContaining(['PCI-DSS:6.5.1']),
      remediationUrl:
        '/docs/default/component/docs/compliance/kyverno-policies/#require-image-signature',
    });
    // The Deployment and its three Pods, on both clusters that report them.
    expect(
      group.findings.map(f => `${f.cluster} ${f.resource.kind}`).sort(),
    ).toEqual([
      'local Deployment',
      'local Pod',
      'local Pod',
      'local Pod',
      'wg-only Deployment',
      'wg-only Pod',
      'wg-only Pod',
      'wg-only Pod',
    ]);
    expect(group.findings[0].firstSeen).toBe(body.snapshot!.takenAt);
    expect(body.counts.fail).toBe(8);
    expect(body.counts.pass).toBeGreaterThan(20);
    expect(body.severities.critical).toBe(8);
  });

  it('an entity selecting its workloads by label, and one by namespace alone with an exception', async () => {
    const platform: EntityPolicyReport = (
      await request(backend.server)
        .get(
          '/api/kyverno/entities/component/default/platform-observability/results',
        )
        .set('Authorization', as(DEV))
    ).body;
    expect(platform.failing.map(g => g.policy)).toEqual(['require-labels']);
    expect(platform.counts.fail).toBe(8);

    const notification: EntityPolicyReport = (
      await request(backend.server)
        .get('/api/kyverno/entities/component/default/svc-notification/results')
        .set('Authorization', as(DEV))
    ).body;
    expect(notification.counts.excepted).toBe(3);
    expect(notification.excepted[0]).toMatchObject({
      policy: 'require-readonly-root-filesystem',
      result: 'skip',
      outcome: 'excepted',
      exception: 'svc-notification-writable-root',
    });
  });

  it('the compliance page: PCI-DSS controls, findings worst first, unknown policies and unenforced controls', async () => {
    const res = await request(backend.server)
      .get('/api/kyverno/compliance?standard=PCI-DSS&cluster=local')
      .set('Authorization', as(DEV));
    expect(res.status).toBe(200);
    const body: ComplianceReport = res.body;
    expect(body.standards.map(s => s.id)).toEqual(['PCI-DSS']);
    const controls = Object.fromEntries(
      body.standards[0].controls.map(c => [c.id, c]),
    );
    expect(controls['6.5.1'].status).toBe('failing');
    expect(controls['10.2.1'].status).toBe('no-policy');
    expect(body.findings[0]).toMatchObject({
      policy: 'require-image-signature',
      severity: 'critical',
      outcome: 'fail',
    });
    expect(body.findings.every(f => f.cluster === 'local')).toBe(true);
    expect(body.catalogueFindings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'unknown-policy',
          policy: 'disallow-host-path',
        }),
        expect.objectContaining({
          type: 'control-without-policy',
          control: 'PCI-DSS:10.2.1',
        }),
      ]),
    );
    expect(body.bySystem.map(g => g.key)).toEqual(
      expect.arrayContaining([
        'system:default/wallet',
        'system:default/analytics',
      ]),
    );
  });

  it('exports the snapshot as CSV, field by field, for a reviewer only, and audits it', async () => {
    const [snapshot] = await snapshots();
    const path = `/api/kyverno/export?format=csv&snapshot=${snapshot.id}&policy=require-image-signature&cluster=local&outcome=fail`;
    expect(
      (await request(backend.server).get(path).set('Authorization', as(DEV)))
        .status,
    ).toBe(403);

    const res = await request(backend.server)
      .get(path)
      .set('Authorization', as(RITA));
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="kyverno-evidence-snapshot-${snapshot.id}.csv"`,
    );
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([...EXPORT_COLUMNS]);
    expect(rows).toHaveLength(4);
    const deployment = rows.find(c => c[10] === 'Deployment')!;
    const row = Object.fromEntries(
      EXPORT_COLUMNS.map((c, i) => [c, deployment[i]]),
    );
    expect(row).toMatchObject({
      cluster: 'local',
      policy: 'require-image-signature',
      rule: 'verify-localplus-image-signature',
      result: 'fail',
      outcome: 'fail',
      severity: 'critical',
      resource_api_version: 'apps/v1',
      resource_kind: 'Deployment',
      resource_namespace: 'svc-ledger',
      resource_name: 'svc-ledger',
      first_seen: snapshot.takenAt,
      snapshot_id: String(snapshot.id),
      snapshot_time: snapshot.takenAt,
    });
    expect(row.report).toMatch(
      /^wgpolicyk8s\.io\/v1alpha2\/PolicyReport\/svc-ledger\//,
    );
    expect(row.policy_digest).toMatch(/^[0-9a-f]{64}$/);

    // Quotes in a message survive the CSV quoting, byte for byte.
    const warn = await request(backend.server)
      .get(
        `/api/kyverno/export?format=csv&snapshot=${snapshot.id}&policy=disallow-latest-tag&outcome=warn&cluster=local`,
      )
      .set('Authorization', as(RITA));
    const [, warnRow] = parseCsv(warn.text);
    expect(warnRow[13]).toMatch(/other than "latest"/);

    const json = await request(backend.server)
      .get(path.replace('format=csv', 'format=json'))
      .set('Authorization', as(RITA));
    expect(json.body.rows).toHaveLength(4);
    expect(json.body.exportedBy).toBe(RITA);
  });

  it('refuses bad queries with what is wrong', async () => {
    const bad = async (path: string) => {
      const res = await request(backend.server)
        .get(path)
        .set('Authorization', as(RITA));
      expect(res.status).toBe(400);
      return res.body.error.message as string;
    };
    expect(await bad('/api/kyverno/compliance?severity=urgent')).toMatch(
      /severity/,
    );
    expect(await bad('/api/kyverno/compliance?colour=red')).toMatch(
      /unknown parameter 'colour'/,
    );
    expect(await bad('/api/kyverno/export?format=csv')).toMatch(
      /either snapshot or a range/,
    );
    expect(await bad('/api/kyverno/export?format=xml&snapshot=1')).toMatch(
      /format/,
    );
    expect(await bad('/api/kyverno/trend?from=yesterday')).toMatch(/ISO 8601/);
  });
});
