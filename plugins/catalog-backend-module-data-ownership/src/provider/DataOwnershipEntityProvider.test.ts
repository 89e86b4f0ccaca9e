import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDataOwnershipConfig } from '../config';
import { LiveTable, TableSource } from '../postgres/PostgresIntrospector';
import { DataOwnershipEntityProvider } from './DataOwnershipEntityProvider';

/** A database whose tables the test sets, and which it can make fail. */
class FakeDatabase implements TableSource {
  tables: LiveTable[] = [];
  down = false;
  calls = 0;
  async introspect() {
    this.calls++;
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    return this.tables.map(t => ({
      ...t,
      columns: t.columns.map(c => ({ ...c, flags: [...c.flags] })),
    }));
  }
}

const table = (
  schema: string,
  name: string,
  comment: string | null,
  extra: Partial<LiveTable> = {},
): LiveTable => ({
  schema,
  table: name,
  comment,
  rowEstimate: 10,
  totalBytes: 8192,
  columns: [
    { name: 'id', type: 'bigint', nullable: false, flags: [], reasons: [] },
  ],
  sampling: 'sampled',
  ...extra,
});

describe('DataOwnershipEntityProvider', () => {
  let dir: string;
  let tablesFile: string;
  let topicsFile: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-ownership-provider-'));
    tablesFile = path.join(dir, 'tables.yaml');
    topicsFile = path.join(dir, 'topics.yaml');
    fs.writeFileSync(
      tablesFile,
      [
        'database: aiven-postgresql',
        'tables:',
        '  - { table: ledger.transactions, owner: svc-ledger, accessPattern: CRUD, description: Transactions }',
        '  - { table: ledger.gone, owner: svc-ledger }',
        '  - { table: reports.daily, owner: svc-analytics, database: analytics-db }',
      ].join('\n'),
    );
    fs.writeFileSync(
      topicsFile,
      'cluster: aiven-kafka\ntopics:\n  - { name: ledger.transactions.v1, producer: svc-ledger, consumers: [svc-notification], retention: 7d }\n',
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function setup(
    databases: object[] = [],
    fakes: Record<string, FakeDatabase> = {},
  ) {
    const config = readDataOwnershipConfig(
      new ConfigReader({
        dataOwnership: {
          system: 'local-plus',
          declared: { tables: [tablesFile], topics: [topicsFile] },
          databases,
        },
      }),
    );
    const logger = mockServices.logger.mock();
    const provider = new DataOwnershipEntityProvider({
      config,
      logger,
      taskRunner: { run: jest.fn() },
      sourceFor: db => fakes[db.name],
    });
    const connection: jest.Mocked<EntityProviderConnection> = {
      applyMutation: jest.fn(),
      refresh: jest.fn(),
    };
    return { provider, connection, logger };
  }

  const db = (name: string, extra: object = {}) => ({
    name,
    resource: 'aiven-postgresql',
    connection: { host: 'h', user: 'u', database: 'd' },
    attempts: 2,
    retryDelayMs: 0,
    ...extra,
  });

  it('emits the declared tables and topics when no database is read live', async () => {
    const { provider, connection } = setup();
    await provider.connect(connection);
    const result = await provider.refresh();
    expect(result.applied).toBe(true);
    const names = result.entities.map(e => e.metadata.name);
    expect(names).toEqual([
      'ledger-transactions',
      'ledger-gone',
      'reports-daily',
      'ledger.transactions.v1',
    ]);
    expect(result.entities[0]).toMatchObject({
      kind: 'Resource',
      metadata: {
        description: 'Transactions',
        labels: { 'local-plus.io/data-ownership': 'owned' },
        annotations: {
          'local-plus.io/owning-service': 'component:default/svc-ledger',
          'local-plus.io/ownership-source':
            'declared:component:default/svc-ledger',
          'local-plus.io/postgres-table': 'ledger.transactions',
          'local-plus.io/data-source': 'declared',
          'backstage.io/managed-by-location': `file:${tablesFile}`,
        },
      },
      spec: {
        type: 'database-table',
        owner: 'group:default/platform-team',
        system: 'system:default/local-plus',
        dependsOn: ['resource:default/aiven-postgresql'],
      },
    });
    expect(result.entities[3].spec).toMatchObject({
      type: 'kafka-topic',
      producers: ['component:default/svc-ledger'],
      consumers: ['component:default/svc-notification'],
      dependsOn: ['resource:default/aiven-kafka'],
      retention: '7d',
    });
    expect(connection.applyMutation).toHaveBeenCalledWith({
      type: 'full',
      entities: result.entities.map(entity => ({
        entity,
        locationKey: 'DataOwnershipEntityProvider',
      })),
    });
  });

  it('lets the live database replace the declared tables it covers', async () => {
    const fake = new FakeDatabase();
    fake.tables = [
      table('ledger', 'transactions', 'owned-by: svc-ledger', {
        columns: [
          {
            name: 'contact_email',
            type: 'text',
            nullable: true,
            flags: ['personal-data'],
            reasons: ['name: email'],
          },
        ],
      }),
      table('ledger', 'shared', 'owned-by: svc-ledger', {}),
      table('public', 'orphan', null),
    ];
    const { provider, connection, logger } = setup(
      [db('main', { owners: { 'ledger.shared': 'svc-wallet' } })],
      { main: fake },
    );
    await provider.connect(connection);
    const { entities } = await provider.refresh();
    const byName = Object.fromEntries(entities.map(e => [e.metadata.name, e]));
    // ledger.gone is declared for this database but absent from it.
    expect(Object.keys(byName).sort()).toEqual([
      'ledger-shared',
      'ledger-transactions',
      'ledger.transactions.v1',
      'public-orphan',
      'reports-daily',
    ]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('not emitted: ledger.gone'),
    );
    const tx = byName['ledger-transactions'];
    expect(tx.metadata.description).toBe('Transactions'); // kept from the spec
    expect(tx.metadata.labels).toEqual({
      'local-plus.io/data-ownership': 'owned',
      'local-plus.io/personal-data': 'true',
    });
    expect(tx.metadata.annotations).toMatchObject({
      'local-plus.io/data-source': 'live',
      'local-plus.io/postgres-database': 'main',
      'local-plus.io/ownership-source': 'comment:component:default/svc-ledger',
      'local-plus.io/row-estimate': '10',
      'local-plus.io/total-bytes': '8192',
      'local-plus.io/access-pattern': 'CRUD',
    });
    expect(tx.spec?.columns).toEqual([
      {
        name: 'contact_email',
        type: 'text',
        nullable: true,
        flags: ['personal-data'],
        reasons: ['name: email'],
      },
    ]);
    expect(
      byName['ledger-shared'].metadata.labels?.['local-plus.io/data-ownership'],
    ).toBe('conflict');
    expect(
      byName['ledger-shared'].metadata.annotations?.[
        'local-plus.io/owning-service'
      ],
    ).toBe('component:default/svc-ledger,component:default/svc-wallet');
    expect(
      byName['public-orphan'].metadata.labels?.['local-plus.io/data-ownership'],
    ).toBe('unowned');
    expect(
      byName['public-orphan'].metadata.annotations?.[
        'local-plus.io/owning-service'
      ],
    ).toBeUndefined();
    // Not covered by a live database: still the declared one.
    expect(
      byName['reports-daily'].metadata.annotations?.[
        'local-plus.io/data-source'
      ],
    ).toBe('declared');
  });

  it('applies nothing when a database never read is down, after retrying', async () => {
    const fake = new FakeDatabase();
    fake.down = true;
    const { provider, connection, logger } = setup([db('main')], {
      main: fake,
    });
    await provider.connect(connection);
    const result = await provider.refresh();
    expect(result).toMatchObject({
      applied: false,
      unreachable: ['main'],
      stale: [],
    });
    expect(fake.calls).toBe(2);
    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /Database main unreachable after 2 attempts .*ECONNREFUSED.*no change is applied/,
      ),
    );
  });

  it('keeps the last known tables of a database that goes down, then takes the new ones', async () => {
    const main = new FakeDatabase();
    const other = new FakeDatabase();
    main.tables = [table('ledger', 'transactions', 'owned-by: svc-ledger')];
    other.tables = [table('wallet', 'wallets', 'owned-by: svc-wallet')];
    const { provider, connection, logger } = setup(
      [db('main'), db('other', { resource: 'other-db' })],
      { main, other },
    );
    await provider.connect(connection);
    await provider.refresh();

    main.down = true;
    other.tables.push(
      table('wallet', 'member_profiles', 'owned-by: svc-wallet'),
    );
    const during = await provider.refresh();
    expect(during).toMatchObject({
      applied: true,
      unreachable: ['main'],
      stale: ['main'],
    });
    expect(during.entities.map(e => e.metadata.name)).toEqual(
      expect.arrayContaining([
        'ledger-transactions',
        'wallet-wallets',
        'wallet-member-profiles',
      ]),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('keeping its 1 last known tables'),
    );

    main.down = false;
    main.tables = [];
    const after = await provider.refresh();
    expect(after.entities.map(e => e.metadata.name)).not.toContain(
      'ledger-transactions',
    );
  });

  it('keeps the catalog as it is when a spec file is broken', async () => {
    const { provider, connection, logger } = setup();
    fs.writeFileSync(topicsFile, 'topics: [ { name: "bad topic" } ]');
    await provider.connect(connection);
    await expect(provider.refresh()).rejects.toThrow(/topics\.0\.name/);
    // As the scheduled task runs it: logged, nothing applied.
    const task = (provider as any).options.taskRunner.run.mock.calls[0][0];
    await task.fn();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('catalog left unchanged'),
    );
    expect(connection.applyMutation).not.toHaveBeenCalled();
  });

  it('emits one entity per name and says which source lost', async () => {
    const a = new FakeDatabase();
    const b = new FakeDatabase();
    a.tables = [table('ledger', 'transactions', 'owned-by: svc-ledger')];
    b.tables = [table('ledger', 'transactions', 'owned-by: svc-ledger')];
    const { provider, connection, logger } = setup(
      [db('a'), db('b', { resource: 'replica' })],
      { a, b },
    );
    await provider.connect(connection);
    const { entities } = await provider.refresh();
    expect(
      entities.filter(e => e.metadata.name === 'ledger-transactions'),
    ).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'ledger-transactions of b:ledger.transactions is already used by a:ledger.transactions',
      ),
    );
  });

  it("asks the catalog to process a service's tables and topics again", async () => {
    const { provider, connection } = setup();
    await provider.connect(connection);
    await provider.refreshService('component:default/SVC-Ledger');
    expect(connection.refresh).toHaveBeenCalledWith({
      keys: ['data-ownership:service:component:default/svc-ledger'],
    });
  });
});
