import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  A11Y_SCOPES,
  apiGet,
  expectAccessible,
  guestToken,
  infoCard,
  signInAsGuest,
  waitForEntity,
} from './helpers';
import { repoRoot } from './productionBackend';

// The recording rules are Sloth's own: `sloth generate` on the catalog's
// specs (scripts/sloth-rules.cjs), as platform-observability loads them in
// production. Beside them, the raw counters the specs query, growing at
// steady rates, so every window sees the same share:
//  - svc-merchant (its SLOs come from the recording rules alone): 10 requests
//    a second, 10% failing: 20x its 0.5% budget in every window, paging,
//    -1900% of the budget left;
//  - svc-ledger (its SLOs come from its spec, local-plus.io/slo-spec, which
//    wins over its recording rules): 10 a second, 0.5% failing (5x the 0.1%
//    budget of "availability": -400%) and 0.5% slower than 200 ms (half
//    the 1% budget of "latency-p99" left).
// And an alert of svc-merchant, to see its SLO state on the on-call page.
const counter = (metric: string, labels: string, perSecond: number) =>
  `      - { record: "${metric}", expr: "vector(time() * ${perSecond})", labels: ${labels} }`;
const COUNT = 'http_server_request_duration_seconds_count';
const BUCKET = 'http_server_request_duration_seconds_bucket';
const RULES = [
  'groups:',
  '  - name: e2e-slo-metrics',
  '    interval: 1s',
  '    rules:',
  counter(
    COUNT,
    '{ service: svc-merchant, http_response_status_code: "200" }',
    9,
  ),
  counter(
    COUNT,
    '{ service: svc-merchant, http_response_status_code: "500" }',
    1,
  ),
  counter(BUCKET, '{ service: svc-merchant, le: "0.25" }', 10),
  counter(BUCKET, '{ service: svc-merchant, le: "+Inf" }', 10),
  counter(
    COUNT,
    '{ service_name: svc-ledger, http_response_status_code: "200" }',
    9.95,
  ),
  counter(
    COUNT,
    '{ service_name: svc-ledger, http_response_status_code: "500" }',
    0.05,
  ),
  counter(BUCKET, '{ service_name: svc-ledger, le: "0.2" }', 9.95),
  '      - alert: SLOErrorBudgetBurnTicket',
  '        expr: vector(1)',
  '        labels: { service: svc-merchant, severity: ticket, sloth_service: svc-merchant, sloth_slo: requests-availability }',
].join('\n');

/** Sloth's rules for the catalog's specs, into the test Prometheus. */
function loadSlothRules(rulesDir: string) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-sloth-'));
  execFileSync(
    'node',
    ['scripts/sloth-rules.cjs', '--no-template', '--out', out],
    {
      cwd: repoRoot,
      stdio: 'inherit',
    },
  );
  for (const file of fs
    .readdirSync(out)
    .filter(f => /^sloth-.*\.yml$/.test(f))) {
    fs.copyFileSync(path.join(out, file), path.join(rulesDir, `e2e-${file}`));
  }
  fs.rmSync(out, { recursive: true, force: true });
}

type Slo = { slo: string; sli?: number };

test.describe('SLOs', () => {
  test.beforeAll(async ({ request }) => {
    test.setTimeout(180_000);
    const prometheus = process.env.LOCALPLUS_PROMETHEUS_URL;
    expect(prometheus, 'run scripts/services.sh start first').toBeTruthy();
    const rulesDir = process.env.LOCALPLUS_PROMETHEUS_RULES_DIR!;
    loadSlothRules(rulesDir);
    fs.writeFileSync(path.join(rulesDir, 'e2e-slo-metrics.yml'), `${RULES}\n`);
    expect((await request.post(`${prometheus}/-/reload`)).ok()).toBe(true);
    const token = await guestToken(request);
    await waitForEntity(request, token, 'component:default/svc-ledger');
    // Until both sources have data: Sloth's rules and the spec's counters.
    await expect
      .poll(
        async () => {
          const body = await (
            await apiGet(
              request,
              '/api/slo/entities/component/default/svc-ledger/slos',
              token,
            )
          ).json();
          return (body.slos as Slo[])
            .filter(s => s.sli !== undefined)
            .map(s => s.slo)
            .sort();
        },
        { timeout: 60_000, intervals: [1_000] },
      )
      .toEqual(['availability', 'latency-p99']);
    // Sloth's ratios need two samples of the counters at the Prometheus'
    // evaluation interval (15 s).
    await expect
      .poll(
        async () => {
          const body = await (
            await apiGet(
              request,
              '/api/slo/entities/component/default/svc-merchant/slos',
              token,
            )
          ).json();
          return (body.slos as Array<Slo & { alert?: string }>)
            .filter(s => s.sli !== undefined)
            .map(s => `${s.slo}: ${s.alert}`);
        },
        { timeout: 120_000, intervals: [2_000] },
      )
      .toContain('requests-availability: page');
    // The budget history is hourly, aligned to the minute: its latest point
    // needs the counters to be older than the current minute.
    await expect
      .poll(
        async () => {
          const body = await (
            await apiGet(
              request,
              '/api/slo/entities/component/default/svc-ledger/slos/history',
              token,
            )
          ).json();
          return (body.series as Array<{ points: unknown[] }>).some(
            s => s.points.length > 0,
          );
        },
        { timeout: 90_000, intervals: [2_000] },
      )
      .toBe(true);
  });

  test('on-call sees the burning service first on the SLO board, then its SLO tab', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.getByRole('link', { name: 'SLO board' }).first().click();
    await expect(page).toHaveURL(/\/slo$/);
    const first = page.getByRole('row').nth(1);
    await expect(first).toContainText('svc-merchant');
    await expect(first).toContainText('requests-availability');
    await expect(first).toContainText('page');
    await expect(first).toContainText('-1900.0%');

    const shot = testInfo.outputPath('slo-board.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('slo-board', {
      path: shot,
      contentType: 'image/png',
    });
    await expectAccessible(page, [A11Y_SCOPES.sloBoard], 'the SLO board');

    // Only what pages, then a text search.
    const alertFilter = page.getByTestId('filter-alert').getByRole('button');
    await alertFilter.click();
    await page.getByRole('option', { name: 'Paging' }).click();
    await expect(
      page.getByText(/SLOs by urgency \(\d+ of \d+\)/),
    ).toBeVisible();
    // Every row left pages (the header row is the only one without "page").
    await expect(
      page
        .getByRole('row')
        .filter({ hasNot: page.getByText('page', { exact: true }) }),
    ).toHaveCount(1);
    await alertFilter.click();
    await page.getByRole('option', { name: 'Any state' }).click();
    await page.getByLabel('Search SLOs').fill('latency-p99');
    await expect(page.getByRole('row').nth(1)).toContainText('latency-p99');
    await page.getByLabel('Search SLOs').fill('');

    await page
      .getByRole('row')
      .filter({ hasText: 'latency-p99' })
      .getByRole('link', { name: 'svc-ledger' })
      .click();
    await expect(page).toHaveURL(/component\/svc-ledger\/slo/);
    // The SLOs of the spec file, evaluated from its SLI queries.
    await expect(
      page
        .getByText(
          'spec services/svc-ledger/slo/sloth.yaml (sloth.slok.dev/v1)',
        )
        .first(),
    ).toBeVisible();
    await expect(page.getByText('-400.0%').first()).toBeVisible();
    // The budget over the window, drawn, and the burn rates per window.
    const history = infoCard(page, 'Error budget over the window');
    await expect(history).toContainText('availability:', { timeout: 30_000 });
    await expect(history.locator('.recharts-line').first()).toBeVisible();
    const burn = infoCard(
      page,
      'Error budget burn rate per window (1× spends exactly the budget)',
    );
    await expect(burn).toContainText('5.00×');
    // Where on-call goes next.
    await expect(
      infoCard(page, 'Runbooks and dashboards').getByRole('link', {
        name: 'SLO burn — svc-ledger',
      }),
    ).toBeVisible();

    const tab = testInfo.outputPath('slo-tab.png');
    await page.screenshot({ path: tab, fullPage: true });
    await testInfo.attach('slo-tab', { path: tab, contentType: 'image/png' });
    await expectAccessible(page, [A11Y_SCOPES.sloTab], "svc-ledger's SLO tab");

    // The SLO card on an overview: svc-merchant's, from Sloth's rules.
    await page.goto('/catalog/default/component/svc-merchant');
    const sloCard = page.locator(A11Y_SCOPES.sloCard);
    await expect(sloCard.getByText('requests-availability')).toBeVisible();
    await expect(sloCard.getByText('page', { exact: true })).toBeVisible();
    await expectAccessible(
      page,
      [A11Y_SCOPES.sloCard],
      "svc-merchant's SLO card",
    );
  });

  test('the on-call page shows the SLO state beside the alert of a burning service', async ({
    page,
  }) => {
    await signInAsGuest(page);
    await page.goto('/on-call');
    const row = page
      .getByRole('row')
      .filter({ hasText: 'SLOErrorBudgetBurnTicket' });
    await expect(row).toContainText('-1900.0% budget left', {
      timeout: 30_000,
    });
    await expect(row.getByText('page', { exact: true })).toBeVisible();
    await expectAccessible(page, [A11Y_SCOPES.onCall], 'the On call page');
  });
});
