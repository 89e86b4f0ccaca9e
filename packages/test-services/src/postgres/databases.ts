/**
 * Fresh databases on a PostgreSQL server: the shared test PostgreSQL of
 * scripts/services.sh (LOCALPLUS_PG_*) or a PrivatePostgres.
 */
import { randomBytes } from 'node:crypto';
import { Client, ClientConfig } from 'pg';

/** Where a PostgreSQL server is, as plain JSON (it goes into config). */
export type PgServer = {
  host: string;
  port: number;
  user: string;
  password?: string;
};

/**
 * The test PostgreSQL of scripts/services.sh, from LOCALPLUS_PG_HOST,
 * _PORT, _USER and _PASSWORD. Whether it runs at all:
 * `serviceEnv('LOCALPLUS_PG_HOST')`.
 */
export function sharedPostgres(): PgServer {
  return {
    host: process.env.LOCALPLUS_PG_HOST ?? '127.0.0.1',
    port: Number(process.env.LOCALPLUS_PG_PORT ?? 5432),
    user: process.env.LOCALPLUS_PG_USER ?? 'postgres',
    password: process.env.LOCALPLUS_PG_PASSWORD ?? '',
  };
}

/** Runs `fn` with a connected pg client, and disconnects it afterwards. */
export async function withClient<T>(
  config: ClientConfig,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client(config);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A name nobody else uses on a shared server (a database, a role). */
export const uniqueName = (prefix: string) =>
  `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;

/**
 * Creates a database of a unique name starting with `prefix`, runs each
 * script of `setupSql` in it, in order, and returns its name.
 */
export async function createDatabase(
  server: PgServer,
  prefix: string,
  ...setupSql: string[]
): Promise<string> {
  const name = uniqueName(prefix);
  await withClient({ ...server, database: 'postgres' }, c =>
    c.query(`CREATE DATABASE ${name}`),
  );
  await withClient({ ...server, database: name }, async c => {
    for (const sql of setupSql) {
      if (sql) await c.query(sql);
    }
  });
  return name;
}

/** Drops a database, whoever is still connected to it. */
export async function dropDatabase(server: PgServer, name: string) {
  await withClient({ ...server, database: 'postgres' }, c =>
    c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  );
}
