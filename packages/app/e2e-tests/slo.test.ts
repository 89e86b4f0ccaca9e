import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import {
  apiGet,
  guestToken,
  infoCard,
  signInAsGuest,
  waitForEntity,
} from './helpers';

// Sloth's recording rules for svc-ledger at known values (99.9% objective,
// 0.04% errors over 30 days: 60% of the budget left; burning 20x over 1h
// and 30x over 5m: paging), loaded into the real Prometheus of the tests.
const ratios: Record<string, number> = {
  '5m': 0.03,
  '30m': 0.01,
  '1h': 0.02,
  '2h': 0.001,
  '6h': 0.002,
  '1d': 0.0005,
  '3d': 0.0004,
  '30d': 0.0004,
};
const labels =
  '{ sloth_service: svc-ledger, sloth_slo: requests-availability }';
const RULES = [
  'groups:',
  '  - name: e2e-sloth',
  '    interval: 1s',
  '    rules:',
  `      - { record: "slo:objective:ratio", expr: "vector(0.999)", labels: ${labels} }`,
  ...Object.entries(ratios).map(
    ([w, v]) =>
      `      - { record: "slo:sli_error:ratio_rate${w}", expr: "vector(${v})", labels: ${labels} }`,
  ),
  // An alert of the same service, to see its SLO state on the on-call page.
  '      - alert: SLOErrorBudgetBurnTicket',
  '        expr: vector(1)',
  '        labels: { service: svc-ledger, severity: ticket, sloth_slo: requests-availability }',
  // The request counters svc-ledger's Sloth spec (catalog/services/svc-ledger/
  // slo/sloth.yaml) queries, growing at a steady 10 requests a second: 0.5%
  // fail (5x the 0.1% budget of "availability": 400% overspent, a ticket
  // over 1d and 2h) and 0.5% are slower than 200 ms (half the 1% budget of
  // "latency-p99" left).
  ...[
    [
      'http_server_request_duration_seconds_count',
      '{ service_name: svc-ledger, http_response_status_code: "200" }',
      9.95,
    ],
    [
      'http_server_request_duration_seconds_count',
      '{ service_name: svc-ledger, http_response_status_code: "500" }',
      0.05,
    ],
    [
      'http_server_request_duration_seconds_bucket',
      '{ service_name: svc-ledger, le: "0.2" }',
      9.95,
    ],
  ].map(
    ([metric, counterLabels, perSecond]) =>
      `      - { record: "${metric}", expr: "vector(time() * ${perSecond})", labels: ${counterLabels} }`,
  ),
].join('\n');

type Slo = { slo: string; sli?: number };

test.describe('SLOs', () => {
  test.beforeAll(async ({ request }) => {
    test.setTimeout(180_000);
    const prometheus = process.env.LOCALPLUS_PROMETHEUS_URL;
    expect(prometheus, 'run scripts/services.sh start first').toBeTruthy();
    fs.writeFileSync(
      path.join(process.env.LOCALPLUS_PROMETHEUS_RULES_DIR!, 'e2e-sloth.yml'),
      `${RULES}\n`,
    );
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
      .toEqual(['availability', 'latency-p99', 'requests-availability']);
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
    await expect(first).toContainText('svc-ledger');
    await expect(first).toContainText('page');
    await expect(first).toContainText('60.0%');

    const shot = testInfo.outputPath('slo-board.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('slo-board', {
      path: shot,
      contentType: 'image/png',
    });

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

    await first.getByRole('link', { name: 'svc-ledger' }).click();
    await expect(page).toHaveURL(/component\/svc-ledger\/slo/);
    await expect(page.getByText('25.9 min of 43.2 min')).toBeVisible();
    await expect(page.getByText('21.6 h')).toBeVisible();
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
  });

  test('the on-call page shows the SLO state beside the alert of a burning service', async ({
    page,
  }) => {
    await signInAsGuest(page);
    await page.goto('/on-call');
    const row = page
      .getByRole('row')
      .filter({ hasText: 'SLOErrorBudgetBurnTicket' });
    await expect(row).toContainText('60.0% budget left', { timeout: 30_000 });
    await expect(row.getByText('page', { exact: true })).toBeVisible();
  });
});
