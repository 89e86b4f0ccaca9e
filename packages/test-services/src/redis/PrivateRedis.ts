/**
 * A redis-server of one test (or benchmark) alone: Debian's, without
 * persistence, on a free port, so that it can be stopped, frozen and
 * started again. No jest globals here, so the benchmark can use it too.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { acceptsConnections, freePort } from '../ports';
import { waitFor } from '../waitFor';

/** Checks every 50 ms for up to 10 s. */
const waitUntil = (check: () => Promise<boolean>, what: string) =>
  waitFor(check, what, {
    timeoutMs: 10_000,
    timeoutMessage: `timed out waiting until ${what}`,
  });

/**
 * A redis-server of this test alone (Debian's), without persistence, on a
 * free port, so that it can be stopped, frozen and started again.
 */
export class PrivateRedis {
  port = 0;
  private process?: ChildProcess;

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start() {
    if (!this.port) this.port = await freePort();
    this.process = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    const port = this.port;
    await waitUntil(
      () => acceptsConnections(port),
      `redis-server listens on ${port}`,
    );
  }

  async stop() {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    this.process = undefined;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const port = this.port;
    await waitUntil(
      async () => !(await acceptsConnections(port)),
      `${port} is closed`,
    );
  }

  /** Still accepts connections, answers nothing (a stuck server). */
  freeze() {
    this.process?.kill('SIGSTOP');
  }

  thaw() {
    this.process?.kill('SIGCONT');
  }
}
