import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../ports';
import { PgServer } from './databases';

/**
 * A PostgreSQL cluster of this test alone (Debian's initdb and pg_ctl, on a
 * free port in a temporary folder), so that it can be stopped and started
 * mid-test without touching the shared one. PostgreSQL refuses to run as
 * root: as root its tools run as the postgres user, which then owns the
 * folder.
 */
export class PrivatePostgres {
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

  /** Creates the cluster (initdb) and starts it. */
  async init() {
    // Made here, not in the constructor: a skipped suite leaves nothing behind.
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'private-pg-'));
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

  /** Stops it at once and removes its folder. */
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
