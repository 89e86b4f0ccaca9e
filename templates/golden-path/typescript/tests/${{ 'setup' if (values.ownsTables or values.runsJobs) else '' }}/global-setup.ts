{%- if values.ownsTables %}
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadMigrationConfig } from '../../src/app/config';
import { createMigrationPool, migrate } from '../../src/app/infrastructure/postgres/migrator';
import { databaseUrl, requireEnv } from '../support/env';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated database that each test file clones (CREATE DATABASE ... TEMPLATE). */
    templateDatabaseUrl: string;
  }
}

/**
 * Once per run: creates a database of its own on DATABASE_URL's server and
 * applies the migrations to it with the real migrator. Test files clone it,
 * so runs (and files within a run) never share data. Dropped at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = requireEnv('DATABASE_URL');
  const prefix = ${{ values.name | dump }}.replace(/-/g, '_');
  const name = `${prefix}_t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE "${name}"`);

  // As the migration Job does it.
  const pool = createMigrationPool(loadMigrationConfig({ DATABASE_URL: databaseUrl(serverUrl, name) }));
  try {
    await migrate(pool, { serviceName: ${{ values.name | dump }} });
  } finally {
    await pool.end();
  }
  project.provide('templateDatabaseUrl', databaseUrl(serverUrl, name));

  return async () => {
    // Clones first (they are named after the template), then the template.
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname LIKE $1',
        [`${name}%`],
      );
      const names = rows.map(r => r.datname).sort((a, b) => b.length - a.length);
      for (const db of names) await client.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
{%- else %}
import { requireEnv } from '../support/env';

/** Checks the run has what the integration tests need, with a clear message if not. */
export default async function setup(): Promise<void> {
  requireEnv('REDIS_URL');
}
{%- endif %}
