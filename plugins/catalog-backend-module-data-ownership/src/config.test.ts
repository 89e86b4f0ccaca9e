import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { readDataOwnershipConfig } from './config';

const db = {
  name: 'aiven-postgresql',
  resource: 'aiven-postgresql',
  connection: {
    host: 'pg.internal',
    port: '6543',
    user: 'catalog_ro',
    password: 'secret',
    database: 'localplus',
  },
};

describe('readDataOwnershipConfig', () => {
  it('fills defaults when nothing is configured', () => {
    const c = readDataOwnershipConfig(new ConfigReader({}));
    expect(c).toMatchObject({
      defaultOwner: 'group:default/platform-team',
      declared: { tables: [], topics: [] },
      databases: [],
      kafka: { enabled: false },
      schedule: { frequency: { minutes: 10 }, timeout: { minutes: 5 } },
    });
  });

  it('normalises references and coerces a port from the environment', () => {
    const c = readDataOwnershipConfig(
      new ConfigReader({
        dataOwnership: {
          databases: [{ ...db, owners: { 'ledger.*': 'svc-ledger' } }],
          schedule: { frequency: { seconds: 30 }, timeout: { seconds: 20 } },
        },
      }),
    );
    expect(c.databases[0]).toMatchObject({
      resource: 'resource:default/aiven-postgresql',
      connection: { port: 6543 },
      owners: { 'ledger.*': 'component:default/svc-ledger' },
      sampleRows: 5,
      minCardSamples: 1,
      attempts: 3,
    });
    expect(c.schedule.frequency).toEqual({ seconds: 30 });
  });

  it('names the key of a mistake', () => {
    expect(() =>
      readDataOwnershipConfig(
        new ConfigReader({
          dataOwnership: {
            databases: [{ ...db, owners: { transactions: 'svc-ledger' } }],
          },
        }),
      ),
    ).toThrow(
      /dataOwnership\.databases\.0\.owners\.transactions: keys are schema\.table/,
    );
    expect(() =>
      readDataOwnershipConfig(
        new ConfigReader({
          dataOwnership: { databases: [db, { ...db }] },
        }),
      ),
    ).toThrow(
      /dataOwnership\.databases\.1\.name: database name 'aiven-postgresql' is used twice/,
    );
    expect(() =>
      readDataOwnershipConfig(
        new ConfigReader({
          dataOwnership: {
            databases: [
              { ...db, connection: { ...db.connection, host: undefined } },
            ],
          },
        }),
      ),
    ).toThrow(/dataOwnership\.databases\.0\.connection\.host/);
  });
});

describe('minCardSamples', () => {
  const read = (extra: object) =>
    readDataOwnershipConfig(
      new ConfigReader({ dataOwnership: { databases: [{ ...db, ...extra }] } }),
    ).databases[0];

  it('defaults to one card number among the samples', () => {
    expect(read({}).minCardSamples).toBe(1);
    expect(read({ sampleRows: 10, minCardSamples: 4 }).minCardSamples).toBe(4);
    // Sampling off: the setting has nothing to count, and is not checked.
    expect(read({ sampleRows: 0, minCardSamples: 3 }).minCardSamples).toBe(3);
  });

  it.each([[0], [-1], [1.5], ['two']])('refuses %p, naming the key', value => {
    expect(() => read({ minCardSamples: value })).toThrow(
      /^Invalid config at dataOwnership\.databases\.0\.minCardSamples: /,
    );
  });

  it('refuses more card numbers than rows sampled, naming the key', () => {
    expect(() => read({ sampleRows: 5, minCardSamples: 6 })).toThrow(
      /dataOwnership\.databases\.0\.minCardSamples: .*sampleRows \(5\)/,
    );
  });
});

describe('the repository config files', () => {
  const root = path.resolve(__dirname, '../../..');
  // ${VAR} as the config loader substitutes it, with values a test chooses.
  const load = (file: string, env: Record<string, string>) => ({
    context: file,
    data: YAML.parse(
      fs
        .readFileSync(path.join(root, file), 'utf8')
        .replace(/\$\{(\w+)\}/g, (_, name) => env[name] ?? ''),
    ),
  });

  it('app-config.yaml declares the tables and topics, and reads the dev services\' database live', () => {
    const c = readDataOwnershipConfig(
      ConfigReader.fromConfigs([load('app-config.yaml', {})]),
    );
    expect(c.declared).toEqual({
      tables: ['../../catalog/data/tables.yaml'],
      topics: ['../../catalog/data/topics.yaml'],
    });
    // scripts/dev-services.sh (make start): loopback only.
    expect(c.databases.map(d => [d.name, d.connection])).toEqual([
      [
        'aiven-postgresql',
        expect.objectContaining({
          host: '127.0.0.1',
          port: 54432,
          database: 'localplus_dev_data',
        }),
      ],
    ]);
    expect(c.kafka.enabled).toBe(false);
  });

  it('production reads the platform database from the environment', () => {
    const c = readDataOwnershipConfig(
      ConfigReader.fromConfigs([
        load('app-config.yaml', {}),
        load('app-config.production.yaml', {
          DATA_OWNERSHIP_PG_HOST: 'pg.aiven.internal',
          DATA_OWNERSHIP_PG_PORT: '25432',
          DATA_OWNERSHIP_PG_USER: 'catalog_ro',
          DATA_OWNERSHIP_PG_PASSWORD: 'secret',
          DATA_OWNERSHIP_PG_DATABASE: 'localplus',
        }),
      ]),
    );
    expect(c.declared.tables).toEqual(['./catalog/data/tables.yaml']);
    expect(c.databases).toEqual([
      expect.objectContaining({
        name: 'aiven-postgresql',
        resource: 'resource:default/aiven-postgresql',
        connection: expect.objectContaining({
          host: 'pg.aiven.internal',
          port: 25432,
        }),
      }),
    ]);
    // Every schema, so the schemas of new golden-path services are read.
    expect(c.databases[0].schemas).toBeUndefined();
  });

  it('the end-to-end config replaces the database with the one its setup creates', () => {
    const c = readDataOwnershipConfig(
      ConfigReader.fromConfigs([
        load('app-config.yaml', {}),
        load('app-config.production.yaml', {}),
        load('packages/app/e2e-tests/app-config.e2e.yaml', {
          POSTGRES_HOST: '127.0.0.1',
          POSTGRES_PORT: '55432',
          POSTGRES_USER: 'postgres',
          POSTGRES_PASSWORD: 'pw',
        }),
      ]),
    );
    expect(c.databases).toHaveLength(1);
    expect(c.databases[0].connection).toMatchObject({
      host: '127.0.0.1',
      port: 55432,
      database: 'localplus_e2e_data',
    });
  });
});
