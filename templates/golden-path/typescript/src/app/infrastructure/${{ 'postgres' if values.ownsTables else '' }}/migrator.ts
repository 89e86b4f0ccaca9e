import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationConfig } from '../../config';
import { createPool, type Pool } from './pool';
import { quoteLiteral, SCHEMA } from './sql';

/**
 * Plain SQL migrations: migrations/NNNN_name.sql, applied in order, each in
 * its own transaction, and recorded in schema_migrations with a checksum so
 * an edited migration is caught instead of silently skipped.
 *
 * Same depth under src/ and dist/, so this resolves to the repository's (or
 * the image's) migrations/ folder in both.
 */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'migrations');

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter(f => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new Error(`Migration file ${file} is not named NNNN_name.sql`);
    const sql = await readFile(path.join(dir, file), 'utf8');
    migrations.push({
      version: match[1]!,
      name: match[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  const versions = migrations.map(m => m.version);
  if (new Set(versions).size !== versions.length) throw new Error('Two migrations share a version number');
  return migrations;
}

/**
 * The migration run's connection: its own time-outs, not the API's (see
 * MIGRATION_STATEMENT_TIMEOUT_MS and MIGRATION_LOCK_TIMEOUT_MS in config.ts).
 * Under the API's 5 s statement time-out, a second run waiting for the
 * first one's lock would fail, and a long migration could never apply.
 */
export function createMigrationPool(config: MigrationConfig): Pool {
  return createPool({
    connectionString: config.DATABASE_URL,
    max: 1,
    applicationName: `${config.SERVICE_NAME}-migrate`,
    statementTimeoutMs: config.MIGRATION_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.MIGRATION_LOCK_TIMEOUT_MS,
  });
}

export interface MigrateOptions {
  dir?: string;
  /** Names the owning service in the tables' comments and the lock key. */
  serviceName: string;
  log?: (message: string) => void;
}

/**
 * Applies pending migrations. Safe to run from several pods at once: a
 * session advisory lock serialises them (so connect directly to PostgreSQL,
 * not through a transaction-pooling PgBouncer).
 */
export async function migrate(pool: Pool, options: MigrateOptions): Promise<string[]> {
  const migrations = await loadMigrations(options.dir);
  const log = options.log ?? (() => {});
  const lockKey = `${options.serviceName}:migrations`;
  const client = await pool.connect();
  try {
    // Waiting for another run to finish is expected: only the statement
    // time-out bounds it. The short lock time-out is for the DDL below.
    await client.query('SET lock_timeout = 0');
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    await client.query('RESET lock_timeout');
    // The service's own schema: every table it owns lives there (sql.ts).
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await client.query(
      `COMMENT ON SCHEMA ${SCHEMA} IS ${quoteLiteral(`owned-by: ${options.serviceName}`)}`,
    );
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (
        version    text        PRIMARY KEY,
        name       text        NOT NULL,
        checksum   text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    await client.query(
      `COMMENT ON TABLE ${SCHEMA}.schema_migrations IS ${quoteLiteral(`owned-by: ${options.serviceName}`)}`,
    );
    const { rows } = await client.query<{ version: string; checksum: string }>(
      `SELECT version, checksum FROM ${SCHEMA}.schema_migrations`,
    );
    const applied = new Map(rows.map(r => [r.version, r.checksum]));

    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.version}_${migration.name} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO ${SCHEMA}.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
          [migration.version, migration.name, migration.checksum],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        const hint =
          (error as { code?: string }).code === '55P03'
            ? ' (a table it changes was in use by a long transaction: nothing was applied; run it again, at a quieter time if it keeps happening)'
            : '';
        throw new Error(`Migration ${migration.version}_${migration.name} failed: ${(error as Error).message}${hint}`, {
          cause: error,
        });
      }
      log(`applied migration ${migration.version}_${migration.name}`);
      done.push(`${migration.version}_${migration.name}`);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => {});
    client.release();
  }
}
