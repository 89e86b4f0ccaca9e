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

describe('dataOwnership.kafka', () => {
  const read = (kafka: object) =>
    readDataOwnershipConfig(new ConfigReader({ dataOwnership: { kafka } }))
      .kafka;

  it('is off by default, with timeouts that fail fast', () => {
    expect(read({})).toEqual({
      enabled: false,
      name: 'kafka',
      brokers: [],
      clientId: 'backstage-data-ownership',
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 10000,
      attempts: 2,
      retryDelayMs: 2000,
      ignoreTopics: [],
      ignoreGroups: [],
    });
  });

  it('reads brokers as a list or as one comma-separated string from the environment', () => {
    expect(read({ brokers: ['127.0.0.1:54092'] }).brokers).toEqual([
      '127.0.0.1:54092',
    ]);
    expect(
      read({ brokers: ' kafka-1.internal:25100, kafka-2.internal:25100 ' })
        .brokers,
    ).toEqual(['kafka-1.internal:25100', 'kafka-2.internal:25100']);
    expect(read({ brokers: ['k-1:1,k-2:2'] }).brokers).toEqual([
      'k-1:1',
      'k-2:2',
    ]);
  });

  it('takes SASL and TLS settings for Aiven', () => {
    const kafka = read({
      enabled: true,
      name: 'aiven-kafka',
      resource: 'aiven-kafka',
      brokers: 'kafka.aiven.internal:25100',
      ssl: { ca: '-----BEGIN CERTIFICATE-----' },
      sasl: { mechanism: 'scram-sha-512', username: 'catalog', password: 'pw' },
      ignoreTopics: ['^_schemas$'],
    });
    expect(kafka).toMatchObject({
      resource: 'resource:default/aiven-kafka',
      sasl: { mechanism: 'scram-sha-512', username: 'catalog' },
    });
    expect(kafka.ignoreTopics[0].test('_schemas')).toBe(true);
  });

  it('has no SASL when neither username nor password is given (unset environment variables)', () => {
    expect(read({ sasl: {} }).sasl).toBeUndefined();
    expect(read({ sasl: { username: 'u', password: 'p' } }).sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'u',
      password: 'p',
    });
  });

  it.each([
    [{ enabled: true }, /dataOwnership\.kafka\.brokers: at least one broker/],
    [
      { brokers: ['kafka'] },
      /dataOwnership\.kafka\.brokers\.0: write each broker as host:port/,
    ],
    [{ brokers: ['k:1'], attempts: 0 }, /dataOwnership\.kafka\.attempts/],
    [
      { brokers: ['k:1'], connectionTimeoutMs: -1 },
      /dataOwnership\.kafka\.connectionTimeoutMs/,
    ],
    [
      { sasl: { mechanism: 'gssapi', username: 'u', password: 'p' } },
      /dataOwnership\.kafka\.sasl\.mechanism/,
    ],
    [
      { sasl: { mechanism: 'plain', username: 'u' } },
      /dataOwnership\.kafka\.sasl\.password: a SASL username and password go together/,
    ],
    [
      { ssl: { cert: 'c' } },
      /dataOwnership\.kafka\.ssl\.key: a client certificate and its key go together/,
    ],
    [
      { ignoreTopics: ['('] },
      /dataOwnership\.kafka\.ignoreTopics\.0: '\(' is not a regular expression/,
    ],
    [{ name: 'my kafka' }, /dataOwnership\.kafka\.name/],
  ])('refuses %j at start-up, naming the key', (kafka, message) => {
    expect(() => read(kafka)).toThrow(message);
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
  // ${VAR} as the config loader substitutes it, with values a test chooses;
  // a key whose variable is unset is left out, as the loader leaves it out.
  const UNSET = '\u0000unset\u0000';
  const dropUnset = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.includes(UNSET) ? undefined : value;
    }
    if (Array.isArray(value)) {
      return value.map(dropUnset).filter(v => v !== undefined);
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .map(([k, v]) => [k, dropUnset(v)])
          .filter(([, v]) => v !== undefined),
      );
    }
    return value;
  };
  const load = (file: string, env: Record<string, string>) => ({
    context: file,
    data: dropUnset(
      YAML.parse(
        fs
          .readFileSync(path.join(root, file), 'utf8')
          .replace(/\$\{(\w+)\}/g, (_, name) => env[name] ?? UNSET),
      ),
    ) as any,
  });

  it("app-config.yaml declares the tables and topics, and reads the dev services' database live", () => {
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
    // The dev services' broker, its topics checked against topics.yaml.
    expect(c.kafka).toMatchObject({
      enabled: true,
      name: 'local',
      resource: 'resource:default/aiven-kafka',
      brokers: ['127.0.0.1:54092'],
    });
    expect(c.kafka.sasl).toBeUndefined();
    expect(c.kafka.ssl).toBeUndefined();
  });

  it('the first-run journey reads the Kafka of its own dev services', () => {
    const c = readDataOwnershipConfig(
      ConfigReader.fromConfigs([
        load('app-config.yaml', {}),
        load('packages/app/e2e-tests/first-run/app-config.first-run.yaml', {}),
      ]),
    );
    expect(c.kafka).toMatchObject({
      enabled: true,
      brokers: ['127.0.0.1:23092'],
    });
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
          KAFKA_BROKERS: 'kafka.aiven.internal:25100',
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

  it('production reads Aiven Kafka from the environment, over TLS with SASL', () => {
    const env = {
      DATA_OWNERSHIP_PG_HOST: 'pg.aiven.internal',
      DATA_OWNERSHIP_PG_USER: 'catalog_ro',
      DATA_OWNERSHIP_PG_DATABASE: 'localplus',
      KAFKA_BROKERS:
        'kafka-1.aiven.internal:25100,kafka-2.aiven.internal:25100',
      KAFKA_CA_CERT: '-----BEGIN CERTIFICATE-----',
      KAFKA_SASL_USERNAME: 'backstage-catalog',
      KAFKA_SASL_PASSWORD: 'secret',
    };
    const c = readDataOwnershipConfig(
      ConfigReader.fromConfigs([
        load('app-config.yaml', {}),
        load('app-config.production.yaml', env),
      ]),
    );
    expect(c.kafka).toMatchObject({
      enabled: true,
      name: 'aiven-kafka',
      resource: 'resource:default/aiven-kafka',
      brokers: ['kafka-1.aiven.internal:25100', 'kafka-2.aiven.internal:25100'],
      ssl: { ca: '-----BEGIN CERTIFICATE-----' },
      sasl: {
        mechanism: 'scram-sha-512',
        username: 'backstage-catalog',
        password: 'secret',
      },
    });
    // Without KAFKA_BROKERS the backend does not start, naming the key.
    expect(() =>
      readDataOwnershipConfig(
        ConfigReader.fromConfigs([
          load('app-config.yaml', {}),
          load('app-config.production.yaml', {
            ...env,
            KAFKA_BROKERS: undefined as unknown as string,
          }),
        ]),
      ),
    ).toThrow(/dataOwnership\.kafka\.brokers: at least one broker/);
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
    // The shared test broker holds other tests' topics: not read end to end.
    expect(c.kafka.enabled).toBe(false);
  });
});
