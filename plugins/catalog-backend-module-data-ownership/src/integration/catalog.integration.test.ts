import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { dropDatabase, sharedPostgres } from '@internal/test-services';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createFixtureDatabase,
  describeWithPostgres,
} from '../__testUtils__/postgres';
import dataOwnershipModule from '../index';

jest.setTimeout(120_000);

const components = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: svc-ledger }
spec:
  type: service
  lifecycle: production
  owner: group:default/product-team
  dependsOn: [resource:default/ledger-transactions]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: svc-wallet }
spec:
  type: service
  lifecycle: production
  owner: group:default/product-team
  # Reads the ledger's table directly: what seed VIII.3 forbids.
  dependsOn: [resource:default/wallet-wallets, resource:default/ledger-transactions]
${['svc-merchant', 'svc-giftcard', 'svc-notification', 'svc-analytics']
  .map(
    name => `---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name} }
spec: { type: service, lifecycle: production, owner: group:default/product-team }`,
  )
  .join('\n')}
`;

const topics = `
cluster: resource:default/aiven-kafka
topics:
  - name: ledger.transactions.v1
    producer: svc-ledger
    consumers: [svc-notification, svc-analytics]
    partitions: 12
    retention: 7d
  - name: wallet.balance-updated.v1
    producer: svc-wallet
    consumers: [svc-analytics]
`;
// A second team's spec claims to produce the wallet's topic too.
const otherTopics = `
topics:
  - { name: wallet.balance-updated.v1, producer: svc-ledger }
`;

/**
 * The whole path: the provider reads a real PostgreSQL, the real catalog
 * processes what it emits with the rules processor, and the catalog API
 * shows owners, relations, flags and findings.
 */
describeWithPostgres('data ownership in a running catalog', () => {
  const server = sharedPostgres();
  let database: string;
  let backend: TestBackend;
  let dir: string;

  beforeAll(async () => {
    database = await createFixtureDatabase(server);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-ownership-catalog-'));
    fs.writeFileSync(path.join(dir, 'components.yaml'), components);
    fs.writeFileSync(path.join(dir, 'topics.yaml'), topics);
    fs.writeFileSync(path.join(dir, 'more-topics.yaml'), otherTopics);
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
              system: 'local-plus',
              lookupCacheSeconds: 1,
              declared: {
                topics: [
                  path.join(dir, 'topics.yaml'),
                  path.join(dir, 'more-topics.yaml'),
                ],
              },
              databases: [
                {
                  name: 'aiven-postgresql',
                  resource: 'aiven-postgresql',
                  connection: { ...server, database },
                  schemas: [
                    'ledger',
                    'wallet',
                    'merchant',
                    'giftcard',
                    'public',
                  ],
                  // The comment says svc-giftcard: two claims, a conflict.
                  owners: { 'giftcard.card_payments': 'svc-ledger' },
                },
              ],
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    if (database) await dropDatabase(server, database);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** An entity as the catalog API serves it, status included. */
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

  /** Polls the catalog until the entity satisfies `check` (processing is asynchronous). */
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

  const relation = (type: string, targetRef: string) =>
    expect.objectContaining({ type, targetRef });

  it("gives a table its owning service's owner, columns and relations", async () => {
    const table = await eventually(
      'resource:default/ledger-transactions',
      e => {
        expect(e.spec?.owner).toBe('group:default/product-team');
        expect(e.relations).toEqual(
          expect.arrayContaining([
            relation('tableOwnedBy', 'component:default/svc-ledger'),
          ]),
        );
      },
    );
    expect(table.relations).toEqual(
      expect.arrayContaining([
        relation('ownedBy', 'group:default/product-team'),
        relation('dependsOn', 'resource:default/aiven-postgresql'),
        relation('dependencyOf', 'component:default/svc-ledger'),
        relation('partOf', 'system:default/local-plus'),
      ]),
    );
    expect(table.metadata.labels).toEqual({
      'local-plus.io/data-ownership': 'owned',
    });
    expect(table.metadata.annotations).toMatchObject({
      'local-plus.io/postgres-table': 'ledger.transactions',
      'local-plus.io/row-estimate': '20',
      'local-plus.io/data-source': 'live',
    });
    expect((table.spec?.columns as any[]).map(c => c.name)).toContain(
      'idempotency_key',
    );
    expect(table.status).toBeUndefined();
  });

  it('shows a service the tables it owns and the topics it produces and consumes', async () => {
    await eventually('component:default/svc-ledger', e => {
      expect(e.relations).toEqual(
        expect.arrayContaining([
          relation('ownsTable', 'resource:default/ledger-transactions'),
          relation('ownsTable', 'resource:default/ledger-ledger-entries'),
          relation('producesTopic', 'resource:default/ledger.transactions.v1'),
        ]),
      );
    });
    await eventually('component:default/svc-analytics', e => {
      expect(e.relations).toEqual(
        expect.arrayContaining([
          relation('consumesTopic', 'resource:default/ledger.transactions.v1'),
          relation(
            'consumesTopic',
            'resource:default/wallet.balance-updated.v1',
          ),
        ]),
      );
    });
    const topic = await eventually(
      'resource:default/ledger.transactions.v1',
      e => {
        expect(e.spec?.owner).toBe('group:default/product-team');
      },
    );
    expect(topic.relations).toEqual(
      expect.arrayContaining([
        relation('producedBy', 'component:default/svc-ledger'),
        relation('consumedBy', 'component:default/svc-notification'),
        relation('consumedBy', 'component:default/svc-analytics'),
        relation('dependsOn', 'resource:default/aiven-kafka'),
      ]),
    );
    expect(topic.spec).toMatchObject({ partitions: 12, retention: '7d' });
  });

  it('flags the unowned and the doubly claimed tables in labels and status', async () => {
    const unowned = await eventually(
      'resource:default/public-legacy-exports',
      e => {
        expect(e.status?.items).toHaveLength(1);
      },
    );
    expect(unowned.metadata.labels?.['local-plus.io/data-ownership']).toBe(
      'unowned',
    );
    expect(unowned.spec?.owner).toBe('group:default/platform-team');
    expect(unowned.status?.items?.[0]).toMatchObject({
      type: 'local-plus.io/data-ownership',
      level: 'warning',
      message: expect.stringContaining('No service owns public.legacy_exports'),
    });

    const claimed = await eventually(
      'resource:default/giftcard-card-payments',
      e => {
        expect(e.status?.items).toHaveLength(1);
      },
    );
    expect(claimed.metadata.labels).toMatchObject({
      'local-plus.io/data-ownership': 'conflict',
      'local-plus.io/card-data': 'true',
    });
    expect(
      claimed.metadata.annotations?.['local-plus.io/ownership-source'],
    ).toBe(
      'comment:component:default/svc-giftcard,config:component:default/svc-ledger',
    );
    expect(claimed.status?.items?.[0]).toMatchObject({
      level: 'error',
      message:
        'giftcard.card_payments is claimed by svc-giftcard and svc-ledger: one table, one owner',
    });

    const settlements = await eventually(
      'resource:default/ledger-settlement-batches',
      e => {
        expect(e.status?.items).toHaveLength(1);
      },
    );
    expect(settlements.metadata.labels?.['local-plus.io/data-ownership']).toBe(
      'conflict',
    );
    expect(settlements.metadata.description).toBe(
      'Daily merchant settlements.',
    );
  });

  it('flags personal and card data columns', async () => {
    const profiles = await eventually(
      'resource:default/wallet-member-profiles',
      () => {},
    );
    expect(profiles.metadata.labels?.['local-plus.io/personal-data']).toBe(
      'true',
    );
    const email = (profiles.spec?.columns as any[]).find(
      c => c.name === 'email',
    );
    expect(email).toMatchObject({
      type: 'text',
      nullable: false,
      flags: ['personal-data'],
    });
    const payments = await get('resource:default/giftcard-card-payments');
    const ref = (payments!.spec?.columns as any[]).find(
      c => c.name === 'processor_ref',
    );
    expect(ref.flags).toEqual(['card-data']);
  });

  it("reports a service that depends on another service's table", async () => {
    const wallet = await eventually('component:default/svc-wallet', e => {
      expect(e.status?.items).toHaveLength(1);
    });
    expect(wallet.status?.items?.[0]).toMatchObject({
      type: 'local-plus.io/data-ownership',
      level: 'error',
      message:
        'svc-wallet depends on table ledger.transactions, owned by svc-ledger: across services use gRPC or events, never a JOIN',
    });
    expect(
      JSON.parse(wallet.metadata.annotations!['local-plus.io/data-findings']),
    ).toEqual([expect.objectContaining({ rule: 'cross-service-table' })]);
    const ledger = await get('component:default/svc-ledger');
    expect(ledger!.status).toBeUndefined();
  });

  it('reports a topic with more than one producer', async () => {
    const topic = await eventually(
      'resource:default/wallet.balance-updated.v1',
      e => {
        expect(e.status?.items).toHaveLength(1);
      },
    );
    expect(topic.status?.items?.[0]).toMatchObject({
      level: 'error',
      message:
        'wallet.balance-updated.v1 has 2 producers (svc-wallet, svc-ledger): a topic has one producer',
    });
    expect(topic.relations).toEqual(
      expect.arrayContaining([
        relation('producedBy', 'component:default/svc-wallet'),
        relation('producedBy', 'component:default/svc-ledger'),
      ]),
    );
  });

  it("moves a service's tables and topics to its new team", async () => {
    fs.writeFileSync(
      path.join(dir, 'components.yaml'),
      components.replace(
        'metadata: { name: svc-ledger }\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/product-team',
        'metadata: { name: svc-ledger }\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments-team',
      ),
    );
    await eventually('resource:default/ledger-transactions', e => {
      expect(e.spec?.owner).toBe('group:default/payments-team');
    });
    await eventually('resource:default/ledger.transactions.v1', e => {
      expect(e.spec?.owner).toBe('group:default/payments-team');
    });
  });
});
