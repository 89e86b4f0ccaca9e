import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { apiGet, guestToken, signInAsGuest, waitForEntity } from './helpers';

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
].join('\n');

test.describe('SLOs', () => {
  test.beforeAll(async ({ request }) => {
    const prometheus = process.env.LOCALPLUS_PROMETHEUS_URL;
    expect(prometheus, 'run scripts/services.sh start first').toBeTruthy();
    fs.writeFileSync(
      path.join(process.env.LOCALPLUS_PROMETHEUS_RULES_DIR!, 'e2e-sloth.yml'),
      `${RULES}\n`,
    );
    expect((await request.post(`${prometheus}/-/reload`)).ok()).toBe(true);
    const token = await guestToken(request);
    await waitForEntity(request, token, 'component:default/svc-ledger');
    await expect
      .poll(
        async () =>
          JSON.stringify(
            await (
              await apiGet(
                request,
                '/api/slo/entities/component/default/svc-ledger/slos',
                token,
              )
            ).json(),
          ),
        { timeout: 60_000, intervals: [1_000] },
      )
      .toContain('"sli"');
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

    await first.getByRole('link', { name: 'svc-ledger' }).click();
    await expect(page).toHaveURL(/component\/svc-ledger\/slo/);
    await expect(page.getByText('25.9 min of 43.2 min')).toBeVisible();
    await expect(page.getByText('21.6 h')).toBeVisible();
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
