import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorCache } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogLookup } from './CatalogLookup';
import { DataOwnershipRulesProcessor } from './DataOwnershipRulesProcessor';

const component = (
  name: string,
  owner: string,
  dependsOn: string[] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner, lifecycle: 'production', dependsOn },
});

const tableEntity = (
  name: string,
  state: string,
  services: string[],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace: 'default',
    labels: { 'local-plus.io/data-ownership': state },
    annotations: {
      'local-plus.io/postgres-table': name.replace('-', '.'),
      ...(services.length
        ? { 'local-plus.io/owning-service': services.join(',') }
        : {}),
    },
  },
  spec: { type: 'database-table', owner: 'group:default/platform-team' },
});

const topicEntity = (
  name: string,
  producers: string[],
  consumers: string[],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'kafka-topic',
    owner: 'group:default/platform-team',
    producers,
    consumers,
  },
});

/** The processor cache as the catalog keeps it between runs of one entity. */
class MemoryCache implements CatalogProcessorCache {
  state: Record<string, any> = {};
  async get(key: string) {
    return this.state[key];
  }
  async set(key: string, value: any) {
    this.state[key] = value;
  }
}

const location = { type: 'url', target: 'https://example.com' };

describe('DataOwnershipRulesProcessor', () => {
  const ledgerTx = tableEntity('ledger-transactions', 'owned', [
    'component:default/svc-ledger',
  ]);
  const catalogEntities = [
    component('svc-ledger', 'product-team'),
    component('svc-wallet', 'group:default/product-team'),
    component('svc-notification', 'product-team'),
    ledgerTx,
  ];

  async function run(
    entity: Entity,
    catalog = catalogServiceMock({ entities: catalogEntities }),
    cache = new MemoryCache(),
    lookup = new CatalogLookup(catalog, mockServices.auth(), 60_000),
  ) {
    const logger = mockServices.logger.mock();
    const onServiceOwner = jest.fn();
    const processor = new DataOwnershipRulesProcessor(
      lookup,
      logger,
      onServiceOwner,
    );
    const emit = jest.fn();
    const pre = await processor.preProcessEntity(
      entity,
      location,
      emit,
      location,
      cache,
    );
    const post = await processor.postProcessEntity(pre, location, emit);
    const findings = JSON.parse(
      post.metadata.annotations?.['local-plus.io/data-findings'] ?? '[]',
    );
    const emitted = emit.mock.calls.map(([r]) => r);
    const relations = emitted
      .filter(r => r.type === 'relation')
      .map(({ relation: r }) => `${r.source.name} ${r.type} ${r.target.name}`);
    const refreshKeys = emitted
      .filter(r => r.type === 'refresh')
      .map(r => r.key);
    return {
      entity: post,
      findings,
      relations,
      refreshKeys,
      logger,
      onServiceOwner,
    };
  }

  it("gives an owned table its service's owner and relates them both ways", async () => {
    const { entity, findings, relations } = await run(ledgerTx);
    expect(entity.spec?.owner).toBe('group:default/product-team');
    expect(findings).toEqual([]);
    expect((entity as any).status).toBeUndefined();
    expect(relations).toEqual([
      'ledger-transactions tableOwnedBy svc-ledger',
      'svc-ledger ownsTable ledger-transactions',
    ]);
  });

  it('reports an unowned table, leaving it to the default owner', async () => {
    const { entity, findings } = await run(
      tableEntity('public-legacy', 'unowned', []),
    );
    expect(entity.spec?.owner).toBe('group:default/platform-team');
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'unowned-table', level: 'warning' }),
    ]);
    expect((entity as any).status.items).toEqual([
      {
        type: 'local-plus.io/data-ownership',
        level: 'warning',
        message: expect.stringContaining(
          "COMMENT ON TABLE public.legacy IS 'owned-by: <service>'",
        ),
      },
    ]);
  });

  it('reports a table two services claim, related to both', async () => {
    const { findings, relations, entity } = await run(
      tableEntity('ledger-shared', 'conflict', [
        'component:default/svc-ledger',
        'component:default/svc-wallet',
      ]),
    );
    expect(findings).toEqual([
      {
        rule: 'conflicting-owners',
        level: 'error',
        message:
          'ledger.shared is claimed by svc-ledger and svc-wallet: one table, one owner',
        refs: ['component:default/svc-ledger', 'component:default/svc-wallet'],
      },
    ]);
    expect((entity as any).status.items[0].level).toBe('error');
    expect(relations).toContain('svc-wallet ownsTable ledger-shared');
  });

  it('reports an owner that is not a component of the catalog', async () => {
    const { findings, entity } = await run(
      tableEntity('ledger-x', 'owned', ['component:default/svc-ghost']),
    );
    expect(entity.spec?.owner).toBe('group:default/platform-team');
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'unknown-service',
        refs: ['component:default/svc-ghost'],
      }),
    ]);
  });

  it("reports a component that depends on another service's table", async () => {
    const { findings } = await run(
      component('svc-wallet', 'product-team', [
        'resource:default/ledger-transactions',
        'resource:default/aiven-postgresql',
      ]),
    );
    expect(findings).toEqual([
      {
        rule: 'cross-service-table',
        level: 'error',
        message:
          'svc-wallet depends on table ledger.transactions, owned by svc-ledger: across services use gRPC or events, never a JOIN',
        refs: [
          'resource:default/ledger-transactions',
          'component:default/svc-ledger',
        ],
      },
    ]);
  });

  it('finds nothing wrong with a service depending on its own tables', async () => {
    const { findings, entity } = await run(
      component('svc-ledger', 'product-team', [
        'resource:default/ledger-transactions',
      ]),
    );
    expect(findings).toEqual([]);
    expect(
      entity.metadata.annotations?.['local-plus.io/data-findings'],
    ).toBeUndefined();
  });

  it('checks thousands of components against one read of the tables, not one request each', async () => {
    const catalog = catalogServiceMock({ entities: catalogEntities });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
    const lookup = new CatalogLookup(catalog, mockServices.auth(), 60_000);
    const wallets = await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        run(
          component(`svc-wallet-${i}`, 'product-team', [
            'resource:default/ledger-transactions',
            'resource:default/wallet-balances',
          ]),
          catalog,
          undefined,
          lookup,
        ),
      ),
    );
    // Every one of them got its finding...
    for (const { findings } of wallets) {
      expect(findings.map((f: any) => f.rule)).toEqual(['cross-service-table']);
    }
    // ...from one query of the resources (wallet-balances is not in the
    // catalog: asked again at most every few seconds, not per component).
    expect(getEntitiesByRefs).not.toHaveBeenCalled();
    expect(
      getEntities.mock.calls.filter(
        ([request]) => (request?.filter as any)?.kind === 'Resource',
      ),
    ).toHaveLength(1);
  });

  it('sees a table registered after the tables were read', async () => {
    const entities = [component('svc-ledger', 'product-team')];
    const catalog = catalogServiceMock({ entities });
    const lookup = new CatalogLookup(catalog, mockServices.auth(), 60_000, 0);
    const wallet = component('svc-wallet', 'product-team', [
      'resource:default/ledger-transactions',
    ]);
    expect((await run(wallet, catalog, undefined, lookup)).findings).toEqual(
      [],
    );
    const later = catalogServiceMock({ entities: [...entities, ledgerTx] });
    jest
      .spyOn(catalog, 'getEntities')
      .mockImplementation((request, options) =>
        later.getEntities(request, options),
      );
    expect(
      (await run(wallet, catalog, undefined, lookup)).findings.map(
        (f: any) => f.rule,
      ),
    ).toEqual(['cross-service-table']);
  });

  it('owns a topic by its producer and relates producer and consumers both ways', async () => {
    const { entity, findings, relations } = await run(
      topicEntity(
        'ledger.transactions.v1',
        ['component:default/svc-ledger'],
        ['component:default/svc-notification'],
      ),
    );
    expect(entity.spec?.owner).toBe('group:default/product-team');
    expect(findings).toEqual([]);
    expect(relations).toEqual([
      'ledger.transactions.v1 producedBy svc-ledger',
      'svc-ledger producesTopic ledger.transactions.v1',
      'ledger.transactions.v1 consumedBy svc-notification',
      'svc-notification consumesTopic ledger.transactions.v1',
    ]);
  });

  it('reports a topic with more than one producer', async () => {
    const { entity, findings } = await run(
      topicEntity(
        'wallet.balance-updated.v1',
        ['svc-wallet', 'svc-ledger'],
        [],
      ),
    );
    expect(entity.spec?.owner).toBe('group:default/platform-team');
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'multiple-producers',
        level: 'error',
        refs: ['component:default/svc-wallet', 'component:default/svc-ledger'],
      }),
    ]);
  });

  it('keeps the previous owner and findings when the catalog cannot be asked', async () => {
    const cache = new MemoryCache();
    await run(ledgerTx, undefined, cache);
    const down = catalogServiceMock.mock({
      getEntities: jest
        .fn()
        .mockRejectedValue(new Error('catalog unavailable')),
    });
    const { entity, logger } = await run(ledgerTx, down, cache);
    expect(entity.spec?.owner).toBe('group:default/product-team');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('catalog unavailable'),
    );
  });

  it('has a table processed again when its owning service appears or changes team', async () => {
    const { refreshKeys } = await run(ledgerTx);
    expect(refreshKeys).toEqual([
      'data-ownership:service:component:default/svc-ledger',
    ]);

    const catalog = catalogServiceMock({ entities: [] });
    const lookup = new CatalogLookup(catalog, mockServices.auth(), 60_000);
    // Not in the catalog yet: the table keeps the default owner...
    expect(
      (await run(ledgerTx, catalog, undefined, lookup)).entity.spec?.owner,
    ).toBe('group:default/platform-team');
    // ...until the service is processed, which asks for the table again...
    const first = await run(
      component('svc-ledger', 'product-team'),
      catalog,
      undefined,
      lookup,
    );
    expect(first.onServiceOwner).toHaveBeenCalledWith(
      'component:default/svc-ledger',
    );
    expect(
      (await run(ledgerTx, catalog, undefined, lookup)).entity.spec?.owner,
    ).toBe('group:default/product-team');
    // ...once: the same owner again is no news.
    const again = await run(
      component('svc-ledger', 'product-team'),
      catalog,
      undefined,
      lookup,
    );
    expect(again.onServiceOwner).not.toHaveBeenCalled();
    const moved = await run(
      component('svc-ledger', 'payments-team'),
      catalog,
      undefined,
      lookup,
    );
    expect(moved.onServiceOwner).toHaveBeenCalledWith(
      'component:default/svc-ledger',
    );
    expect(
      (await run(ledgerTx, catalog, undefined, lookup)).entity.spec?.owner,
    ).toBe('group:default/payments-team');
  });

  it('has a topic processed again when its producer or a consumer appears', async () => {
    const topic = topicEntity(
      'ledger.transactions.v1',
      ['svc-ledger'],
      ['svc-notification', 'svc-analytics'],
    );
    const { refreshKeys, entity } = await run(topic);
    // svc-analytics is not in the catalog yet: reported, and the topic
    // carries its key so the finding clears as soon as it is ingested.
    expect(
      entity.metadata.annotations?.['local-plus.io/data-findings'],
    ).toContain(
      'component:default/svc-analytics (consumer) is not a component of the catalog',
    );
    expect(refreshKeys).toEqual([
      'data-ownership:service:component:default/svc-ledger',
      'data-ownership:service:component:default/svc-notification',
      'data-ownership:service:component:default/svc-analytics',
    ]);
  });

  describe('consumer groups read live from Kafka', () => {
    const liveTopic = (
      groups: string,
      consumers: string[],
      providerFindings: object[] = [],
    ): Entity => {
      const e = topicEntity(
        'ledger.transactions.v1',
        ['component:default/svc-ledger'],
        consumers,
      );
      e.metadata.annotations = {
        'local-plus.io/kafka-topic': 'ledger.transactions.v1',
        'local-plus.io/kafka-live-consumer-groups': groups,
        ...(providerFindings.length
          ? {
              'local-plus.io/data-findings': JSON.stringify(providerFindings),
            }
          : {}),
      };
      return e;
    };
    const notifications: Entity = {
      ...component('svc-notification', 'product-team'),
      metadata: {
        name: 'svc-notification',
        namespace: 'default',
        annotations: {
          'local-plus.io/kafka-consumer-groups':
            'notifications-v2, notifications-replay',
        },
      },
    };
    const catalog = () =>
      catalogServiceMock({
        entities: [
          component('svc-ledger', 'product-team'),
          component('svc-analytics', 'product-team'),
          notifications,
        ],
      });

    it('accepts groups named after a declared consumer, or listed in its annotation', async () => {
      const { findings } = await run(
        liveTopic('svc-analytics,notifications-v2', [
          'component:default/svc-analytics',
          'component:default/svc-notification',
        ]),
        catalog(),
      );
      expect(findings).toEqual([]);
    });

    it('reports a group no component claims', async () => {
      const { findings, entity } = await run(
        liveTopic('svc-analytics,legacy-reporting', [
          'component:default/svc-analytics',
        ]),
        catalog(),
      );
      expect(findings).toEqual([
        {
          rule: 'unclaimed-consumer-group',
          level: 'warning',
          message:
            "Consumer group legacy-reporting reads ledger.transactions.v1, but no catalog component claims it: name the group after its component, or list it in the component's local-plus.io/kafka-consumer-groups annotation",
        },
      ]);
      expect((entity as any).status.items).toHaveLength(1);
    });

    it('reports a component whose group reads a topic that does not declare it', async () => {
      const { findings } = await run(
        liveTopic('notifications-replay', []),
        catalog(),
      );
      expect(findings).toEqual([
        {
          rule: 'undeclared-consumer',
          level: 'warning',
          message:
            'svc-notification reads ledger.transactions.v1 (consumer group notifications-replay) but is not among its declared consumers',
          refs: ['component:default/svc-notification'],
        },
      ]);
    });

    it("keeps the provider's findings beside its own", async () => {
      const retention = {
        rule: 'retention-mismatch',
        level: 'warning',
        message: 'kept 3d, declared 7d',
      };
      const { findings, entity } = await run(
        liveTopic('legacy-reporting', [], [retention]),
        catalog(),
      );
      expect(findings.map((f: any) => f.rule)).toEqual([
        'retention-mismatch',
        'unclaimed-consumer-group',
      ]);
      expect((entity as any).status.items.map((i: any) => i.message)).toEqual([
        'kept 3d, declared 7d',
        expect.stringContaining('Consumer group legacy-reporting'),
      ]);
    });

    it("keeps the provider's findings when the catalog cannot be asked", async () => {
      const cache = new MemoryCache();
      const missing = {
        rule: 'missing-topic',
        level: 'error',
        message: 'no such topic',
      };
      await run(liveTopic('legacy-reporting', [], [missing]), catalog(), cache);
      const down = catalogServiceMock.mock({
        getEntities: jest.fn().mockRejectedValue(new Error('catalog down')),
      });
      const { findings } = await run(
        liveTopic('legacy-reporting', [], [missing]),
        down,
        cache,
      );
      expect(findings.map((f: any) => f.rule)).toEqual([
        'missing-topic',
        'unclaimed-consumer-group',
      ]);
    });
  });

  it('leaves other entities alone', async () => {
    const group: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'product-team' },
      spec: { type: 'team', children: [] },
    };
    const { entity, relations } = await run(group);
    expect(entity).toEqual(group);
    expect(relations).toEqual([]);
  });
});
