import { defineConfig } from '@playwright/test';
import { generateProjects } from '@backstage/e2e-test-utils/playwright';

/**
 * End-to-end tests run against the production build: the built backend
 * (serving the built frontend) on a real PostgreSQL, in Debian's Chromium.
 * scripts/test.sh builds everything and starts PostgreSQL first; the
 * connection comes from LOCALPLUS_PG_* (scripts/services.sh).
 */
import {
  backendCommand,
  backendEnv,
  baseURL,
} from './packages/app/e2e-tests/productionBackend';

export default defineConfig({
  // A journey is a dozen steps with axe checks; on CI's two busy cores the
  // longest take over a minute (each step still waits at most 20 s).
  timeout: 180_000,
  expect: { timeout: 20_000 },
  webServer: {
    command: backendCommand.join(' '),
    url: `${baseURL}/.backstage/health/v1/readiness`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    env: backendEnv,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  // The first-run journey has its own config (playwright.first-run.config.ts).
  testIgnore: ['**/first-run/**'],
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
    // Read by scripts/playwright-failures.cjs when a journey fails in make test.
    ['json', { outputFile: 'test-results/e2e-report.json' }],
  ],
  use: {
    baseURL,
    launchOptions: {
      // Debian's Chromium; no browser is ever downloaded.
      executablePath: process.env.LOCALPLUS_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    viewport: { width: 1440, height: 1000 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  outputDir: 'test-results/e2e',
  projects: generateProjects(),
});
