/**
 * Real PostgreSQL for the integration tests: fresh databases on the test
 * PostgreSQL of scripts/services.sh (LOCALPLUS_PG_*), and a private cluster
 * of this test's own that can be stopped and restarted without touching the
 * shared one.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, ClientConfig } from 'pg';

export const FIXTURE_SQL = fs.readFileSync(
  resolvePackagePath(
    '@internal/plugin-catalog-backend-module-data-ownership',
    'fixtures/local-plus-tables.sql',
  ),
  'utf8',
);

export const havePostgres = Boolean(process.env.LOCALPLUS_PG_HOST);
if (!havePostgres && process.env.LOCALPLUS_REQUIRE_SERVICES) {
  // In CI (scripts/test.sh) a missing database fails the run; it never skips.
  throw new Error(
    'LOCALPLUS_PG_HOST is not set: run scripts/services.sh start',
  );
}
export const describeWithPostgres = havePostgres ? describe : describe.skip;

/** Where a PostgreSQL server is, as plain JSON (it goes into config). */
export type PgServer = {
  host: string;
  port: number;
  user: string;
  password?: string;
};

export function sharedServer(): PgServer {
  return {
    host: process.env.LOCALPLUS_PG_HOST ?? '127.0.0.1',
    port: Number(process.env.LOCALPLUS_PG_PORT ?? 5432),
    user: process.env.LOCALPLUS_PG_USER ?? 'postgres',
    password: process.env.LOCALPLUS_PG_PASSWORD ?? '',
  };
}

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

/** A name nobody else uses on the shared server. */
export const uniqueName = (prefix: string) =>
  `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;

/** Creates a database holding the fixture's tables; returns its name. */
export async function createFixtureDatabase(
  server: PgServer,
  extraSql = '',
): Promise<string> {
  const name = uniqueName('dataownership_it');
  await withClient({ ...server, database: 'postgres' }, c =>
    c.query(`CREATE DATABASE ${name}`),
  );
  await withClient({ ...server, database: name }, async c => {
    await c.query(FIXTURE_SQL);
    if (extraSql) await c.query(extraSql);
  });
  return name;
}

export async function dropDatabase(server: PgServer, name: string) {
  await withClient({ ...server, database: 'postgres' }, c =>
    c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL cluster of this test alone (Debian's initdb and pg_ctl, on a
 * free port in a temporary folder), so that it can be stopped and started
 * mid-test. PostgreSQL refuses to run as root: as root its tools run as the
 * postgres user, which then owns the folder.
 */
export class PrivateCluster {
  private dir = '';
  private readonly bin: string;
  port = 0;

  constructor() {
    const versions = fs
      .readdirSync('/usr/lib/postgresql')
      .filter(v => fs.existsSync(`/usr/lib/postgresql/${v}/bin/pg_ctl`))
      .sort((a, b) => Number(a) - Number(b));
    if (versions.length === 0) {
      throw new Error(
        'no PostgreSQL server under /usr/lib/postgresql (scripts/services.sh install)',
      );
    }
    this.bin = `/usr/lib/postgresql/${versions[versions.length - 1]}/bin`;
  }

  private run(tool: string, args: string[]) {
    const asRoot = process.getuid?.() === 0;
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', `${this.bin}/${tool}`, ...args]]
      : [`${this.bin}/${tool}`, args];
    execFileSync(cmd, argv, { stdio: 'pipe', timeout: 60_000 });
  }

  async init() {
    // Made here, not in the constructor: a skipped suite leaves nothing behind.
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dataownership-pg-'));
    fs.mkdirSync(path.join(this.dir, 'sock'));
    if (process.getuid?.() === 0) {
      execFileSync('chown', ['-R', 'postgres:postgres', this.dir]);
    }
    this.run('initdb', [
      '-D',
      path.join(this.dir, 'data'),
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    this.port = await freePort();
    this.start();
  }

  start() {
    this.run('pg_ctl', [
      '-D',
      path.join(this.dir, 'data'),
      '-l',
      path.join(this.dir, 'postgres.log'),
      '-w',
      '-t',
      '60',
      'start',
      '-o',
      `-p ${this.port} -k ${path.join(
        this.dir,
        'sock',
      )} -c listen_addresses=127.0.0.1 -c fsync=off`,
    ]);
  }

  stop(mode: 'fast' | 'immediate' = 'fast') {
    this.run('pg_ctl', [
      '-D',
      path.join(this.dir, 'data'),
      '-m',
      mode,
      '-w',
      'stop',
    ]);
  }

  config(): PgServer {
    return { host: '127.0.0.1', port: this.port, user: 'postgres' };
  }

  destroy() {
    if (!this.dir) return;
    try {
      this.stop('immediate');
    } catch {
      // already stopped
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
