import { cp, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrationConfig, SERVICE } from '../../../src/app/config';
import { SCHEMA } from '../../../src/app/infrastructure/postgres/sql';
import {
  createMigrationPool,
  loadMigrations,
  migrate,
  MIGRATIONS_DIR,
} from '../../../src/app/infrastructure/postgres/migrator';
import { createPool, type Pool } from '../../../src/app/infrastructure/postgres/pool';
import { admin as adminClient, dropDatabase } from '../../support/databases';
import { databaseUrl, requireEnv } from '../../support/env';

/** The migrator against an empty database of its own. */
describe('migrations', () => {
  const serverUrl = requireEnv('DATABASE_URL');
  const name = `${SERVICE.name.replace(/-/g, '_')}_mig_${Date.now().toString(36)}`;
  let pool: Pool;

  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await admin(`CREATE DATABASE "${name}"`);
    pool = createPool({ connectionString: databaseUrl(serverUrl, name), max: 4, applicationName: 'migration-test' });
  });

  afterAll(async () => {
    await pool?.end();
    await adminClient(serverUrl, client => dropDatabase(client, name));
  });

  it('applies every migration once, even when started twice at the same time', async () => {
    const all = await loadMigrations();
    const [a, b] = await Promise.all([
      migrate(pool, { serviceName: SERVICE.name }),
      migrate(pool, { serviceName: SERVICE.name }),
    ]);
    // One run applied everything, the other found nothing left to do.
    expect([a.length, b.length].sort()).toEqual([0, all.length]);
    const { rows } = await pool.query(`SELECT version FROM ${SCHEMA}.schema_migrations ORDER BY version`);
    expect(rows.map(r => r.version)).toEqual(all.map(m => m.version));
    expect(await migrate(pool, { serviceName: SERVICE.name })).toEqual([]);
  });

  it('keeps every table in the service\'s schema, marked with its owning service', async () => {
    const { rows } = await pool.query<{ table: string; comment: string | null }>(
      `SELECT c.relname AS table, obj_description(c.oid, 'pg_class') AS comment
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [SERVICE.databaseSchema],
    );
    expect(rows.map(r => r.table).sort()).toEqual(
      ['account_transactions', 'accounts', 'idempotency_keys', {% if values.publishesEvents %}'outbox', {% endif %}'schema_migrations'].sort(),
    );
    for (const row of rows) expect(row.comment, row.table).toBe(`owned-by: ${SERVICE.name}`);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      const first = (await loadMigrations(dir))[0]!;
      await appendFile(path.join(dir, `${first.version}_${first.name}.sql`), '\n-- edited\n');
      await expect(migrate(pool, { serviceName: SERVICE.name, dir })).rejects.toThrow(/was changed after it was applied/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rolls back a failing migration and reports it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await writeFile(path.join(dir, '9999_broken.sql'), 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n');
      await expect(migrate(pool, { serviceName: SERVICE.name, dir })).rejects.toThrow(/9999_broken failed/);
      const { rows } = await pool.query(`SELECT to_regclass('half_done') AS t, (SELECT count(*) FROM ${SCHEMA}.schema_migrations WHERE version = '9999') AS n`);
      expect(rows[0]).toEqual({ t: null, n: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("lets a second run wait for a long first one, past the API's 5 s statement time-out", async () => {
    // Two migration Jobs (one pod each, the CLI's own connection settings)
    // start together; the pending migration takes 6 s.
    const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    const config = loadMigrationConfig({ DATABASE_URL: databaseUrl(serverUrl, name) });
    const jobs = [createMigrationPool(config), createMigrationPool(config)];
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await writeFile(path.join(dir, '9001_slow_backfill.sql'), 'SELECT pg_sleep(6);\n');
      const runs = await Promise.all(jobs.map(job => migrate(job, { serviceName: SERVICE.name, dir })));
      expect(runs.map(applied => applied.length).sort()).toEqual([0, 1]);
      expect(runs.flat()).toEqual(['9001_slow_backfill']);
    } finally {
      await Promise.all(jobs.map(job => job.end()));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives up quickly when a table it changes is held by a long transaction, and applies once it is not', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    const config = loadMigrationConfig({ DATABASE_URL: databaseUrl(serverUrl, name), MIGRATION_LOCK_TIMEOUT_MS: '300' });
    const job = createMigrationPool(config);
    // A long transaction that read accounts (it holds a lock the DDL needs).
    const reader = new pg.Client({ connectionString: databaseUrl(serverUrl, name) });
    await reader.connect();
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await writeFile(path.join(dir, '9002_add_nickname.sql'), `ALTER TABLE ${SCHEMA}.accounts ADD COLUMN nickname text;\n`);
      await reader.query(`BEGIN; SELECT count(*) FROM ${SCHEMA}.accounts`);
      // Waiting would queue every query on accounts behind the DDL: it fails instead, saying what to do.
      await expect(migrate(job, { serviceName: SERVICE.name, dir })).rejects.toThrow(
        /9002_add_nickname failed: canceling statement due to lock timeout \(a table it changes was in use/,
      );
      await reader.query('COMMIT');
      expect(await migrate(job, { serviceName: SERVICE.name, dir })).toEqual(['9002_add_nickname']);
    } finally {
      await reader.end();
      await job.end();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('accepts only NNNN_name.sql files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    try {
      await writeFile(path.join(dir, 'add-things.sql'), 'SELECT 1;');
      await expect(loadMigrations(dir)).rejects.toThrow(/NNNN_name\.sql/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
