import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA } from '../../../src/app/infrastructure/postgres/sql';
import { databaseUrlFromFile } from '../../../src/app/infrastructure/postgres/database-url';
import { createPool, type Pool } from '../../../src/app/infrastructure/postgres/pool';
import { admin, createTestDatabase, type TestDatabase } from '../../support/databases';

/**
 * What Vault and External Secrets do in production: a new PostgreSQL user
 * is written to the mounted Secret file, and the old one is revoked (its
 * sessions ended, its login refused). The pool must carry on with the new
 * user without a restart.
 */
describe('rotating database credentials (DATABASE_URL_FILE)', () => {
  const suffix = randomBytes(4).toString('hex');
  const users = [`rotation_a_${suffix}`, `rotation_b_${suffix}`];
  let database: TestDatabase;
  let dir: string;
  let file: string;
  let pool: Pool;
  const unreadable: Error[] = [];

  const sql = (url: string, statements: string) =>
    admin(url, async client => {
      await client.query(statements);
    });
  const urlOf = (user: string) => {
    const url = new URL(database.url);
    url.username = user;
    url.password = `pw-${user}`;
    return url.toString();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    for (const user of users) {
      await sql(database.url, `CREATE ROLE ${user} LOGIN PASSWORD 'pw-${user}'`);
      await sql(
        database.url,
        `GRANT USAGE ON SCHEMA ${SCHEMA} TO ${user};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${SCHEMA} TO ${user}`,
      );
    }
    dir = await mkdtemp(path.join(tmpdir(), 'database-url-'));
    file = path.join(dir, 'DATABASE_URL');
    await writeFile(file, `${urlOf(users[0]!)}\n`);
    pool = createPool({
      connectionString: databaseUrlFromFile(file, error => unreadable.push(error)),
      max: 2,
      applicationName: 'rotation-test',
    });
  });

  afterAll(async () => {
    await pool?.end();
    // Roles belong to the server, not the database: drop their grants here,
    // then the database, then the roles.
    for (const user of users) await sql(database.url, `DROP OWNED BY ${user}`).catch(() => {});
    await database?.drop();
    const server = new URL(database.url);
    server.pathname = '/postgres';
    for (const user of users) await sql(server.toString(), `DROP ROLE IF EXISTS ${user}`);
    await rm(dir, { recursive: true, force: true });
  });

  const currentUser = async () => (await pool.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u;

  it('connects as the user in the file, then as the next one once the old one is revoked', async () => {
    expect(await currentUser()).toBe(users[0]);

    await writeFile(file, `${urlOf(users[1]!)}\n`);
    await sql(
      database.url,
      `ALTER ROLE ${users[0]} NOLOGIN;
       SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${users[0]}'`,
    );
    // The pool drops the connection the server ended; the next query opens
    // a new one, with the user now in the file. A query that raced the
    // termination may fail once, as it would in production: retry it.
    let user: string | undefined;
    for (let attempt = 0; attempt < 3 && user === undefined; attempt++) {
      user = await currentUser().catch(() => undefined);
    }
    expect(user).toBe(users[1]);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.accounts`);
    expect(rows[0].n).toBeGreaterThanOrEqual(0);
  });

  it('keeps the last good URL while the file is being rewritten, and says so', async () => {
    await writeFile(file, '');
    await sql(database.url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${users[1]}'`);
    let user: string | undefined;
    for (let attempt = 0; attempt < 3 && user === undefined; attempt++) {
      user = await currentUser().catch(() => undefined);
    }
    expect(user).toBe(users[1]);
    expect(unreadable.map(e => e.message)).toContain(`DATABASE_URL_FILE ${file} does not hold a postgres:// URL`);
  });

  it('refuses to start from a file that holds no URL', () => {
    expect(() => databaseUrlFromFile(path.join(dir, 'missing'), () => {})).toThrow(/cannot be read/);
  });
});
