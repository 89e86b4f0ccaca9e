/**
 * Real Dramatiq for the tests: the actors of plugins/dlq-backend/dramatiq/
 * (they fail for real while their dependency is marked down), run by
 * Dramatiq's own `dramatiq` command from the virtualenv of
 * scripts/python-tools.sh, and messages sent with Dramatiq's own `send`.
 *
 * Without LOCALPLUS_REQUIRE_SERVICES, a machine without Python 3 or without
 * the virtualenv (and no way to make it) skips these tests; with it, they
 * fail.
 */
import { waitFor } from '@internal/test-services';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DramatiqMessageJson, redisUrl } from './dramatiq';

export const repoRoot = path.resolve(__dirname, '../../../..');
/** The actors and the send/demo tool (Python). */
export const dramatiqDir = path.resolve(__dirname, '../../dramatiq');

/** The test Redis's own database for these tests (the e2e uses 3). */
export const DRAMATIQ_TEST_DB = 7;

function lastLines(text: string, n = 15) {
  return text.trim().split('\n').slice(-n).join('\n');
}

/** The virtualenv's bin folder (made or updated if needed), or why not. */
function findVenv(): { bin: string } | { missing: string } {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
  } catch {
    return { missing: 'python3 is not on the PATH' };
  }
  try {
    const out = execFileSync(
      'bash',
      [path.join(repoRoot, 'scripts/python-tools.sh')],
      {
        encoding: 'utf8',
        timeout: 300_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const bin = out.trim().split('\n').pop() ?? '';
    if (!fs.existsSync(path.join(bin, 'dramatiq'))) {
      return {
        missing: `no dramatiq in ${bin} (scripts/python-requirements.txt)`,
      };
    }
    return { bin };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return {
      missing: `bash scripts/python-tools.sh failed: ${lastLines(
        e.stderr || e.message,
        5,
      )}`,
    };
  }
}

const venv = redisUrl ? findVenv() : undefined;
if (venv && 'missing' in venv && process.env.LOCALPLUS_REQUIRE_SERVICES) {
  throw new Error(`Real Dramatiq is needed for these tests: ${venv.missing}`);
}
export const venvBin = venv && 'bin' in venv ? venv.bin : undefined;
export const describeWithDramatiq = venvBin ? describe : describe.skip;

/** The test Redis, database DRAMATIQ_TEST_DB. */
export const dramatiqRedisUrl = () =>
  `${redisUrl!.replace(/\/\d*$/, '')}/${DRAMATIQ_TEST_DB}`;

/** How localplus_actors.py is configured (LOCALPLUS_DRAMATIQ_*). */
export type DramatiqEnv = {
  redisUrl: string;
  namespace: string;
  /** Every actor's max_retries (each its own otherwise). */
  maxRetries?: number;
  deadMessageTtlMs?: number;
  /** Per million broker commands; Dramatiq's default is 1000. */
  maintenanceChance?: number;
};

function pythonEnv(env: DramatiqEnv): NodeJS.ProcessEnv {
  const vars: NodeJS.ProcessEnv = {
    ...process.env,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONPATH: dramatiqDir,
    LOCALPLUS_DRAMATIQ_REDIS_URL: env.redisUrl,
    LOCALPLUS_DRAMATIQ_NAMESPACE: env.namespace,
    // The worker looks for new messages every 20 ms when idle (1 s by
    // default), so retries go round quickly.
    dramatiq_worker_timeout: '20',
  };
  if (env.maxRetries !== undefined) {
    vars.LOCALPLUS_DRAMATIQ_MAX_RETRIES = String(env.maxRetries);
  }
  if (env.deadMessageTtlMs !== undefined) {
    vars.LOCALPLUS_DRAMATIQ_DEAD_MESSAGE_TTL_MS = String(env.deadMessageTtlMs);
  }
  if (env.maintenanceChance !== undefined) {
    vars.LOCALPLUS_DRAMATIQ_MAINTENANCE_CHANCE = String(env.maintenanceChance);
  }
  return vars;
}

function runTool(env: DramatiqEnv, args: string[], input?: string): string {
  try {
    return execFileSync(
      path.join(venvBin!, 'python'),
      [path.join(dramatiqDir, 'localplus_dramatiq.py'), ...args],
      {
        env: pythonEnv(env),
        input,
        encoding: 'utf8',
        timeout: 30_000,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(
      `localplus_dramatiq.py ${args[0]} failed: ${lastLines(
        e.stderr || e.message,
      )}`,
    );
  }
}

export type Task = {
  actor: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  delayMs?: number;
  /** For an actor the worker does not define. */
  queue?: string;
};

/** Sends tasks with Dramatiq; the messages as Dramatiq enqueued them. */
export function dramatiqSend(
  env: DramatiqEnv,
  tasks: Task[],
): DramatiqMessageJson[] {
  const input = JSON.stringify(
    tasks.map(({ delayMs, ...task }) => ({ ...task, delay_ms: delayMs })),
  );
  return JSON.parse(runTool(env, ['send'], input));
}

/**
 * Rejects a message waiting on `<queue>.DQ` with Dramatiq's own consumer,
 * as a worker does with a delayed message that fails.
 */
export function dramatiqNackDelayed(
  env: DramatiqEnv,
  queue: string,
  messageId: string,
): DramatiqMessageJson {
  return JSON.parse(runTool(env, ['nack-delayed', queue, messageId]));
}

/** Runs Dramatiq's queue maintenance on `queue` now (the TTL purge among it). */
export function dramatiqMaintenance(env: DramatiqEnv, queue: string) {
  runTool(env, ['maintenance', queue]);
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  // A test that died half-way leaves no worker behind.
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * `dramatiq localplus_actors` (one process, four threads) in its own
 * process group, started and stopped by the test.
 */
export class DramatiqWorker {
  private child?: ChildProcess;
  private output = '';

  constructor(private readonly env: DramatiqEnv) {}

  /** What the worker printed lately (for a failing test's message). */
  get log() {
    return lastLines(this.output, 40);
  }

  async start(timeoutMs = 20_000) {
    const child = spawn(
      path.join(venvBin!, 'dramatiq'),
      [
        '--processes',
        '1',
        '--threads',
        '4',
        '--worker-shutdown-timeout',
        '3000',
        // Found through PYTHONPATH (--path takes every word after it).
        'localplus_actors',
      ],
      {
        env: pythonEnv(this.env),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    running.add(child);
    const append = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-64_000);
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    child.once('exit', () => running.delete(child));
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) {
            throw new Error(`dramatiq exited with ${child.exitCode}`);
          }
          return this.output.includes('Worker process is ready for action');
        },
        'the Dramatiq worker is ready',
        { timeoutMs },
      );
    } catch (error) {
      await this.stop();
      throw new Error(`${(error as Error).message}\n${this.log}`);
    }
  }

  /** SIGTERM (Dramatiq's graceful stop), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 8_000) {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
    // The forked worker process too, should it outlive its parent.
    signal('SIGKILL');
  }
}
