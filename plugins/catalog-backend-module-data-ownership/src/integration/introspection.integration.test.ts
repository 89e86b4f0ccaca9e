import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  dropDatabase,
  sharedPostgres,
  uniqueName,
  withClient,
} from '@internal/test-services';
import { readDataOwnershipConfig } from '../config';
import {
  LiveTable,
  PostgresIntrospector,
} from '../postgres/PostgresIntrospector';
import {
  createFixtureDatabase,
  describeWithPostgres,
} from '../__testUtils__/postgres';

jest.setTimeout(60_000);

describeWithPostgres('PostgresIntrospector against PostgreSQL', () => {
  const server = sharedPostgres();
  let database: string;
  const role = uniqueName('dataownership_ro');
  const password = `pw-${role}`;
  let tables: LiveTable[];

  beforeAll(async () => {
    // A partitioned table too: its partitions fold into one entity.
    database = await createFixtureDatabase(
      server,
      `CREATE TABLE ledger.audit_log (id bigint, at date NOT NULL, what text) PARTITION BY RANGE (at);
       CREATE TABLE ledger.audit_log_2025 PARTITION OF ledger.audit_log FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
       CREATE TABLE ledger.audit_log_2026 PARTITION OF ledger.audit_log FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
       COMMENT ON TABLE ledger.audit_log IS 'owned-by: svc-ledger';
       INSERT INTO ledger.audit_log SELECT g, DATE '2025-06-01' + g, 'x' FROM generate_series(1, 300) g;
       ANALYZE ledger.audit_log_2025, ledger.audit_log_2026;`,
    );
    // The read-only role production uses: USAGE and SELECT, nothing else;
    // and not even SELECT on the member profiles, whose sampling must then
    // be skipped while their columns are still read from pg_catalog.
    await withClient({ ...server, database }, async c => {
      await c.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      for (const schema of [
        'ledger',
        'wallet',
        'merchant',
        'giftcard',
        'public',
      ]) {
        await c.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
        await c.query(
          `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
        );
      }
      await c.query(`REVOKE SELECT ON wallet.member_profiles FROM ${role}`);
    });
    const config = readDataOwnershipConfig(
      new ConfigReader({
        dataOwnership: {
          databases: [
            {
              name: 'it',
              resource: 'aiven-postgresql',
              connection: { ...server, user: role, password, database },
              schemas: ['ledger', 'wallet', 'merchant', 'giftcard', 'public'],
            },
          ],
        },
      }),
    );
    tables = await new PostgresIntrospector(
      config.databases[0],
      mockServices.logger.mock(),
    ).introspect();
  });

  afterAll(async () => {
    if (!database) return;
    await dropDatabase(server, database);
    await withClient({ ...server, database: 'postgres' }, c =>
      c.query(`DROP ROLE IF EXISTS ${role}`),
    );
  });

  const find = (schema: string, table: string) =>
    tables.find(t => t.schema === schema && t.table === table)!;
  const column = (schema: string, table: string, name: string) =>
    find(schema, table).columns.find(c => c.name === name)!;

  it('reads every table of the schemas with its comment, row estimate and size', () => {
    expect(tables.map(t => `${t.schema}.${t.table}`)).toEqual([
      'giftcard.card_payments',
      'giftcard.giftcards',
      'ledger.audit_log',
      'ledger.ledger_entries',
      'ledger.settlement_batches',
      'ledger.transactions',
      'merchant.merchants',
      'public.legacy_exports',
      'wallet.balance_snapshots',
      'wallet.member_profiles',
      'wallet.wallets',
    ]);
    const tx = find('ledger', 'transactions');
    expect(tx.comment).toBe('owned-by: svc-ledger');
    expect(tx.rowEstimate).toBe(20);
    // Table, unique index, primary key index and TOAST: more than one page.
    expect(tx.totalBytes).toBeGreaterThan(8192);
    expect(find('public', 'legacy_exports').comment).toBeNull();
  });

  it('folds the partitions of a partitioned table into it', () => {
    const log = find('ledger', 'audit_log');
    expect(log.comment).toBe('owned-by: svc-ledger');
    expect(log.rowEstimate).toBe(300);
    expect(log.totalBytes).toBeGreaterThan(0);
    expect(log.columns.map(c => c.name)).toEqual(['id', 'at', 'what']);
  });

  it('reads columns with their type and nullability', () => {
    expect(find('ledger', 'ledger_entries').columns.slice(0, 3)).toEqual([
      {
        name: 'entry_id',
        type: 'bigint',
        nullable: false,
        flags: [],
        reasons: [],
      },
      {
        name: 'transaction_id',
        type: 'uuid',
        nullable: false,
        flags: [],
        reasons: [],
      },
      {
        name: 'account_id',
        type: 'text',
        nullable: false,
        flags: [],
        reasons: [],
      },
    ]);
    expect(column('ledger', 'transactions', 'amount').type).toBe(
      'numeric(18,2)',
    );
    expect(
      column('ledger', 'transactions', 'external_reference').nullable,
    ).toBe(true);
  });

  it('flags personal data by column name', () => {
    for (const name of [
      'first_name',
      'last_name',
      'email',
      'phone_number',
      'birth_date',
      'iban',
    ]) {
      expect(column('wallet', 'member_profiles', name).flags).toEqual([
        'personal-data',
      ]);
    }
    expect(column('merchant', 'merchants', 'contact_email').flags).toEqual([
      'personal-data',
    ]);
    expect(column('merchant', 'merchants', 'display_name').flags).toEqual([]);
  });

  it('flags card data by name and by sampled values, never by digits that fail Luhn', () => {
    expect(column('giftcard', 'card_payments', 'pan')).toMatchObject({
      flags: ['card-data'],
      reasons: ['name: pan'],
    });
    expect(column('giftcard', 'card_payments', 'processor_ref')).toMatchObject({
      flags: ['card-data'],
      reasons: ['sampled values pass Luhn'],
    });
    expect(
      column('ledger', 'transactions', 'external_reference').flags,
    ).toEqual([]);
    expect(find('giftcard', 'card_payments').sampling).toBe('sampled');
  });

  it('skips sampling a table the role may not read, and says why', () => {
    expect(find('wallet', 'member_profiles').sampling).toBe(
      'skipped (SQLSTATE 42501)',
    );
    expect(find('wallet', 'member_profiles').columns).toHaveLength(7);
  });

  it('runs read-only: the session refuses writes even as a role that may write', async () => {
    // The superuser may write anything; the introspector's session may not.
    class Probe extends PostgresIntrospector {
      async tryToWrite() {
        const client = await this.session();
        try {
          await client.query('CREATE TABLE public.must_not_exist (id int)');
        } finally {
          await client.end();
        }
      }
    }
    const config = readDataOwnershipConfig(
      new ConfigReader({
        dataOwnership: {
          databases: [
            { name: 'su', resource: 'db', connection: { ...server, database } },
          ],
        },
      }),
    );
    const probe = new Probe(config.databases[0], mockServices.logger.mock());
    await expect(probe.tryToWrite()).rejects.toThrow(
      'cannot execute CREATE TABLE in a read-only transaction',
    );
  });
});
