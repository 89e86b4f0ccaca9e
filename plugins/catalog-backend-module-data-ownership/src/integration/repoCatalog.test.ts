import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import path from 'node:path';
import dataOwnershipModule from '../index';

jest.setTimeout(120_000);

type Stitched = Entity & {
  status?: { items?: Array<{ type: string; level: string; message: string }> };
};

/**
 * The repository's own catalog (catalog/all.yaml) with the declared tables
 * and topics of catalog/data/, as the development portal loads them: the
 * entities that replaced the hand-declared ones resolve every reference the
 * components make, carry their owners, and break no rule.
 */
describe('the Local-Plus catalog with its declared data', () => {
  const root = path.resolve(__dirname, '../../../..');
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        dataOwnershipModule,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [
                {
                  allow: [
                    'Component',
                    'System',
                    'API',
                    'Resource',
                    'Location',
                    'Domain',
                    'Group',
                    'User',
                  ],
                },
              ],
              locations: [
                { type: 'file', target: path.join(root, 'catalog/all.yaml') },
              ],
            },
            dataOwnership: {
              system: 'system:default/local-plus',
              lookupCacheSeconds: 1,
              declared: {
                tables: [path.join(root, 'catalog/data/tables.yaml')],
                topics: [path.join(root, 'catalog/data/topics.yaml')],
              },
            },
          },
        }),
      ],
    });
  });
  afterAll(() => backend?.stop());

  async function entities(filter: string): Promise<Stitched[]> {
    const res = await fetch(
      `http://localhost:${backend.server.port()}/api/catalog/entities?${filter}`,
      { headers: { Authorization: mockCredentials.user.header() } },
    );
    return res.json();
  }

  /** Waits until every table and topic has its owning service's owner. */
  async function settled(): Promise<Stitched[]> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const data = await entities(
        'filter=kind=resource,spec.type=database-table&filter=kind=resource,spec.type=kafka-topic',
      );
      if (
        data.length === 9 &&
        data.every(e => e.spec?.owner === 'group:default/product-team')
      ) {
        return data;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `not settled: ${data
            .map(e => `${e.metadata.name}=${e.spec?.owner}`)
            .join(', ')}`,
        );
      }
      await new Promise(r => setTimeout(r, 500));
    }
  }

  /**
   * Runs the assertions until they hold: the catalog ingests the files in
   * passes, so an entity can be looked at before everything it refers to
   * is there. What still fails after the deadline is a real failure.
   */
  async function eventually(assertions: () => Promise<void>) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await assertions();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise(r => setTimeout(r, 500));
      }
    }
  }

  it('has the six tables and three topics, owned by the product team', async () => {
    const data = await settled();
    expect(data.map(e => e.metadata.name).sort()).toEqual([
      'giftcard-giftcards',
      'ledger-ledger-entries',
      'ledger-transactions',
      'ledger.transactions.v1',
      'merchant-merchants',
      'merchant.onboarded.v1',
      'wallet-balance-snapshots',
      'wallet-wallets',
      'wallet.balance-updated.v1',
    ]);
  });

  it('resolves every resource the components depend on, once', async () => {
    await settled();
    await eventually(async () => {
      const all = await entities('');
      const refs = all.map(e => stringifyEntityRef(e));
      expect(new Set(refs).size).toBe(refs.length);
      const known = new Set(refs);
      const missing = all
        .filter(e => e.kind === 'Component')
        .flatMap(e =>
          (e.relations ?? [])
            .filter(r => r.type === 'dependsOn' && !known.has(r.targetRef))
            .map(r => `${e.metadata.name} -> ${r.targetRef}`),
        );
      expect(missing).toEqual([]);
    });
  });

  it('relates svc-ledger to the tables it owns and the topic it produces', async () => {
    await settled();
    await eventually(async () => {
      const [ledger] = await entities(
        'filter=kind=component,metadata.name=svc-ledger',
      );
      const data = (ledger?.relations ?? [])
        .filter(r =>
          ['ownsTable', 'producesTopic', 'consumesTopic'].includes(r.type),
        )
        .map(r => `${r.type} ${r.targetRef}`)
        .sort();
      expect(data).toEqual([
        'ownsTable resource:default/ledger-ledger-entries',
        'ownsTable resource:default/ledger-transactions',
        'producesTopic resource:default/ledger.transactions.v1',
      ]);
    });
  });

  it('breaks no data-ownership rule', async () => {
    await settled();
    await eventually(async () => {
      const findings = (await entities('')).flatMap(e =>
        (e.status?.items ?? [])
          .filter(i => i.type === 'local-plus.io/data-ownership')
          .map(i => `${e.metadata.name}: ${i.message}`),
      );
      expect(findings).toEqual([]);
    });
  });
});
