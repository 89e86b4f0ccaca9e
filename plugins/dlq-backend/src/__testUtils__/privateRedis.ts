/**
 * A redis-server of one test (or benchmark) alone: Debian's, without
 * persistence, on a free port, so that it can be stopped, frozen and
 * started again. No jest globals here, so the benchmark can use it too.
 */
import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const accepts = (port: number) =>
  new Promise<boolean>(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
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
    await waitUntil(() => accepts(port), `redis-server listens on ${port}`);
  }

  async stop() {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    this.process = undefined;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const port = this.port;
    await waitUntil(async () => !(await accepts(port)), `${port} is closed`);
  }

  /** Still accepts connections, answers nothing (a stuck server). */
  freeze() {
    this.process?.kill('SIGSTOP');
  }

  thaw() {
    this.process?.kill('SIGCONT');
  }
}
