import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { databaseUrl, requireEnv } from './env';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a clone of the run's
 * template (see tests/setup/global-setup.ts). Cloning takes milliseconds and
 * keeps files independent even when they run in parallel.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = requireEnv('DATABASE_URL');
  const template = new URL(inject('templateDatabaseUrl')).pathname.slice(1);
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, async client => {
    // Two clones of one template at the same instant can collide; retry.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 10) throw error;
        await new Promise(resolve => setTimeout(resolve, 100 * attempt));
      }
    }
  });
  return {
    url: databaseUrl(serverUrl, name),
    drop: () => admin(serverUrl, client => dropDatabase(client, name)),
  };
}

/**
 * Drops a test database once the sessions of pools that were just ended have
 * left it. FORCE alone would terminate a session still closing, and the
 * pg client would raise that as an unhandled error in the test run.
 */
export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 50) {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    if (Number(rows[0]?.n ?? 0) === 0) break;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** Runs `work` on a connection of its own to `url` (DDL, roles, clean-up). */
export async function admin(serverUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
