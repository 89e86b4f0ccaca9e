import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { backendCommand, backendEnv, repoRoot } from './productionBackend';

/** Starts the built backend with one variable left out; returns its exit. */
function startWithout(variable: string) {
  const env: Record<string, string> = {
    ...(process.env as any),
    ...backendEnv,
    PORTAL_PORT: '7099',
    PROD_BACKEND_DIR: `${repoRoot}/.tmp/prod-backend-startup`,
    PROD_BACKEND_LOG: '',
    // Its own databases, apart from the backend the other tests use.
    APP_CONFIG_backend_database_prefix: 'startup_test_',
  };
  delete env[variable];
  return new Promise<{ code: number | null; output: string }>(resolve => {
    const child = spawn(backendCommand[0], backendCommand.slice(1), {
      cwd: repoRoot,
      env,
    });
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('exit', code => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test.describe('production backend start-up', () => {
  test('stops with a message naming a missing config key', async () => {
    const { code, output } = await startWithout('LOCALPLUS_KUBE_URL');
    expect(code).not.toBe(0);
    expect(output).toContain(
      "Missing required config value at 'kubernetes.clusterLocatorMethods[0].clusters[0].url'",
    );
    expect(output).toContain('Backend failed to start');
  });
});
