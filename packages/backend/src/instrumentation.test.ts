/**
 * packages/backend/src/instrumentation.js, as the image loads it
 * (`node --require`): what the backend reports through the OpenTelemetry API
 * is served to Prometheus on OTEL_METRICS_PORT, and nothing listens without it.
 */
import { freePort } from '@internal/test-services';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const INSTRUMENTATION = path.resolve(__dirname, 'instrumentation.js');
// A stand-in for the backend: a counter through the global OpenTelemetry API.
const PROGRAM = `
  const { metrics } = require('@opentelemetry/api');
  metrics.getMeter('localplus-test').createCounter('localplus_test_requests').add(3, { route: '/x' });
  console.log(metrics.getMeterProvider().constructor.name);
  setInterval(() => {}, 1000);
`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function start(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--require', INSTRUMENTATION, '-e', PROGRAM],
    {
      cwd: __dirname,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', chunk => (stderr += chunk));
  // The class of the global meter provider the program ended up with.
  const provider = new Promise<string>(resolve =>
    child.stdout!.once('data', chunk => resolve(String(chunk).trim())),
  );
  const exited = new Promise<number | null>(resolve =>
    child.on('exit', code => resolve(code)),
  );
  return { child, exited, provider, stderr: () => stderr };
}

async function scrape(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

describe('backend metrics (instrumentation.js)', () => {
  it('serves what the backend reports through the OpenTelemetry API on OTEL_METRICS_PORT', async () => {
    const port = await freePort();
    const { provider } = start({
      OTEL_METRICS_PORT: String(port),
      OTEL_METRICS_HOST: '127.0.0.1',
    });
    expect(await provider).toBe('MeterProvider');
    let text: string | undefined;
    for (
      let i = 0;
      i < 100 && !text?.includes('localplus_test_requests');
      i++
    ) {
      text = await scrape(port);
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(text).toMatch(
      /^localplus_test_requests(_total)?\{route="\/x"[^}]*\} 3/m,
    );
  });

  it('installs nothing without OTEL_METRICS_PORT (development, tests)', async () => {
    const { child, provider } = start({ OTEL_METRICS_PORT: '' });
    expect(await provider).toBe('NoopMeterProvider');
    expect(child.exitCode).toBeNull();
  });

  it('refuses a port that is not one, saying which variable', async () => {
    const { exited, stderr } = start({ OTEL_METRICS_PORT: '94x' });
    expect(await exited).not.toBe(0);
    expect(stderr()).toContain('OTEL_METRICS_PORT must be a port number');
  });
});
