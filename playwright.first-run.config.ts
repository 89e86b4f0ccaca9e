import { defineConfig } from '@playwright/test';

/**
 * The first-run journey: the portal as `make start` runs it (development
 * config, yarn start, the dev services and their demo data), on ports of
 * its own (scripts/first-run-portal.sh), in Debian's Chromium. The other
 * journeys (playwright.config.ts) run against the production build.
 */
export default defineConfig({
  testDir: 'packages/app/e2e-tests/first-run',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  webServer: {
    command: 'bash scripts/first-run-portal.sh',
    // The dev server answers once the frontend is compiled.
    url: 'http://localhost:3017',
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report/first-run' }],
    // Read by scripts/playwright-failures.cjs when a journey fails in make test.
    ['json', { outputFile: 'test-results/first-run-report.json' }],
  ],
  use: {
    baseURL: 'http://localhost:3017',
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
  outputDir: 'test-results/e2e-first-run',
  projects: [{ name: 'first-run' }],
});
