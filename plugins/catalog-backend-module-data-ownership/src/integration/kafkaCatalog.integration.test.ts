import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dataOwnershipModule from '../index';
import {
  commitGroup,
  createTopics,
  deleteGroups,
  deleteTopics,
  describeWithKafka,
  sharedBrokers,
  uniquePrefix,
} from '../__testUtils__/kafka';

jest.setTimeout(120_000);

const DAY = 86_400_000;

/**
 * The whole path with a real broker: the provider reads the cluster, the
 * catalog processes what it emits with the rules processor, and the catalog
 * API shows each finding where the other data findings are (annotation and
 * status items), consumer groups checked against the catalog's components.
 */
describeWithKafka('topics read live, in a running catalog', () => {
  const brokers = sharedBrokers();
  const p = uniquePrefix('dc');
  const t = (name: string) => `${p}.${name}`;
  const svc = (name: string) => `${p}-${name}`;
  let backend: TestBackend;
  let dir: string;

  const component = (name: string, annotations = '') => `---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
${
  annotations ? `  annotations: { ${annotations} }\n` : ''
}spec: { type: service, lifecycle: production, owner: group:default/product-team }`;

  beforeAll(async () => {
    await createTopics(brokers, [
      { name: t('ledger.v1'), partitions: 3, retentionMs: 7 * DAY },
      { name: t('wallet.v1'), partitions: 3, retentionMs: 3 * DAY },
      { name: t('audit.v1'), partitions: 1 },
    ]);
    // Claimed by name: the group is called like the consuming component.
    await commitGroup(brokers, svc('analytics'), t('ledger.v1'));
    // Claimed by annotation, but the topic does not declare it as a consumer.
    await commitGroup(brokers, `${p}.notifications-v2`, t('wallet.v1'));
    // Nobody's.
    await commitGroup(brokers, `${p}.legacy-reporting`, t('ledger.v1'));

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-ownership-kafka-'));
    fs.writeFileSync(
      path.join(dir, 'components.yaml'),
      [
        component(svc('ledger')),
        component(svc('wallet')),
        component(svc('analytics')),
        component(
          svc('notification'),
          `local-plus.io/kafka-consumer-groups: '${p}.notifications-v2, ${p}.other'`,
        ),
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'topics.yaml'),
      [
        'cluster: resource:default/aiven-kafka',
        'topics:',
        `  - { name: ${t('ledger.v1')}, producer: ${svc(
          'ledger',
        )}, consumers: [${svc('analytics')}], retention: 7d }`,
        `  - { name: ${t('wallet.v1')}, producer: ${svc(
          'wallet',
        )}, consumers: [${svc('analytics')}], retention: 7d }`,
        `  - { name: ${t('missing.v1')}, producer: ${svc('ledger')} }`,
      ].join('\n'),
    );
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        dataOwnershipModule,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [{ allow: ['Component', 'Resource', 'Location'] }],
              locations: [
                { type: 'file', target: path.join(dir, 'components.yaml') },
              ],
            },
            dataOwnership: {
              lookupCacheSeconds: 1,
              declared: { topics: [path.join(dir, 'topics.yaml')] },
              kafka: {
                enabled: true,
                name: 'aiven-kafka',
                resource: 'resource:default/aiven-kafka',
                brokers,
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await deleteGroups(brokers, [
      svc('analytics'),
      `${p}.notifications-v2`,
      `${p}.legacy-reporting`,
    ]);
    await deleteTopics(
      brokers,
      ['ledger', 'wallet', 'audit'].map(n => t(`${n}.v1`)),
    ).catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  type Stitched = Entity & {
    status?: {
      items?: Array<{ type: string; level: string; message: string }>;
    };
  };

  async function get(ref: string): Promise<Stitched | undefined> {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const res = await fetch(
      `http://localhost:${backend.server.port()}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
      { headers: { Authorization: mockCredentials.user.header() } },
    );
    return res.status === 200 ? res.json() : undefined;
  }

  async function eventually(
    ref: string,
    check: (e: Stitched) => void,
  ): Promise<Stitched> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const entity = await get(ref);
      try {
        if (!entity) throw new Error(`${ref} is not in the catalog`);
        check(entity);
        return entity;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise(r => setTimeout(r, 500));
      }
    }
  }

  const messages = (e: Stitched) =>
    (e.status?.items ?? [])
      .filter(i => i.type === 'local-plus.io/data-ownership')
      .map(i => `${i.level}: ${i.message}`)
      .sort();
  const rules = (e: Stitched) =>
    (
      JSON.parse(
        e.metadata.annotations?.['local-plus.io/data-findings'] ?? '[]',
      ) as Array<{ rule: string }>
    )
      .map(f => f.rule)
      .sort();

  it('reports a consumer group no component claims, next to the topic it reads', async () => {
    const ledger = await eventually(`resource:default/${t('ledger.v1')}`, e => {
      expect(rules(e)).toEqual(['unclaimed-consumer-group']);
    });
    expect(messages(ledger)).toEqual([
      `warning: Consumer group ${p}.legacy-reporting reads ${t(
        'ledger.v1',
      )}, but no catalog component claims it: name the group after its component, or list it in the component's local-plus.io/kafka-consumer-groups annotation`,
    ]);
    // Owned by its producer's team, related to it, with what the cluster says.
    expect(ledger.spec?.owner).toBe('group:default/product-team');
    expect(ledger.metadata.annotations).toMatchObject({
      'local-plus.io/kafka-live-consumer-groups': `${svc(
        'analytics',
      )},${p}.legacy-reporting`,
    });
  });

  it('reports a retention that differs from the declaration, and a component reading a topic that does not list it', async () => {
    const wallet = await eventually(`resource:default/${t('wallet.v1')}`, e => {
      expect(rules(e)).toEqual(['retention-mismatch', 'undeclared-consumer']);
    });
    expect(messages(wallet)).toEqual([
      `warning: ${svc('notification')} reads ${t(
        'wallet.v1',
      )} (consumer group ${p}.notifications-v2) but is not among its declared consumers`,
      `warning: ${t(
        'wallet.v1',
      )} keeps messages 3d (retention.ms 259200000) in Kafka cluster aiven-kafka, but is declared with 7d`,
    ]);
  });

  it('reports a declared topic the cluster does not have, and a topic nobody declared', async () => {
    const missing = await eventually(
      `resource:default/${t('missing.v1')}`,
      e => {
        expect(rules(e)).toEqual(['missing-topic']);
      },
    );
    expect(messages(missing)).toEqual([
      `error: ${t(
        'missing.v1',
      )} is declared but Kafka cluster aiven-kafka has no such topic: create it, or remove the declaration`,
    ]);
    const audit = await eventually(
      `resource:default/undeclared.${t('audit.v1')}`,
      e => {
        expect(rules(e)).toEqual(['undeclared-topic']);
      },
    );
    expect(audit.spec?.owner).toBe('group:default/platform-team');
    expect(messages(audit)[0]).toContain('no spec declares it');
  });
});
