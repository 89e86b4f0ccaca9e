import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../waitFor';

/**
 * A private Prometheus (Debian's `prometheus` binary) on a loopback port,
 * with its config and data in `dir` — for the integration tests and
 * benchmarks that need known series, an outage or a restart.
 */
export class LocalPrometheus {
  readonly baseUrl: string;
  #process: ChildProcess | undefined;

  constructor(
    private readonly options: {
      /** Holds prometheus.yml, rules.yml and data/. */
      dir: string;
      port: number;
      /** More command-line flags, e.g. a longer retention for backfills. */
      args?: string[];
    },
  ) {
    this.baseUrl = `http://127.0.0.1:${options.port}`;
  }

  /** Writes rules.yml and a prometheus.yml that evaluates it every second. */
  writeRules(rules: string) {
    const rulesFile = path.join(this.options.dir, 'rules.yml');
    fs.writeFileSync(rulesFile, rules);
    fs.writeFileSync(
      path.join(this.options.dir, 'prometheus.yml'),
      `global: { evaluation_interval: 1s }\nrule_files: [${rulesFile}]\n`,
    );
  }

  /** Starts it on `<dir>/prometheus.yml`; see ready() to wait for it. */
  start() {
    const { dir, port, args = [] } = this.options;
    this.#process = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...args,
      ],
      { stdio: 'ignore' },
    );
  }

  /** Resolves once /-/ready answers, or fails after `timeoutMs`. */
  async ready(timeoutMs = 30_000) {
    await waitFor(
      async () => {
        try {
          return (await fetch(`${this.baseUrl}/-/ready`)).ok;
        } catch {
          return false; // not listening yet
        }
      },
      'Prometheus is ready',
      {
        timeoutMs,
        intervalMs: 200,
        timeoutMessage: `Prometheus not ready in ${timeoutMs} ms`,
      },
    );
  }

  /** Freezes the process: it accepts connections but never answers. */
  pause() {
    this.#process?.kill('SIGSTOP');
  }

  resume() {
    this.#process?.kill('SIGCONT');
  }

  /** Stops it (a paused one too) and waits until it has exited. */
  async stop() {
    const child = this.#process;
    if (!child) return;
    this.#process = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await exited;
  }
}
