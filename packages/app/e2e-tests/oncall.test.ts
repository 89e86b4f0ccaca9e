import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import {
  A11Y_SCOPES,
  apiGet,
  expectAccessible,
  guestToken,
  signInAsGuest,
  waitForEntity,
} from './helpers';

// A rule that fires at once, as Sloth's page alert for svc-ledger would,
// loaded into the real Prometheus started by scripts/services.sh.
const RULES = `
groups:
  - name: e2e-oncall
    interval: 1s
    rules:
      - alert: SLOErrorBudgetBurnPage
        expr: vector(1)
        labels: { service: svc-ledger, severity: critical, sloth_service: svc-ledger, sloth_slo: availability }
        annotations:
          summary: svc-ledger is burning its error budget 14.4x too fast
          runbook_url: https://portal.local-plus.example/docs/default/component/svc-ledger/runbooks/slo-burn/
`;

test.describe('on call', () => {
  test.beforeAll(async ({ request }) => {
    const prometheus = process.env.LOCALPLUS_PROMETHEUS_URL;
    const rulesDir = process.env.LOCALPLUS_PROMETHEUS_RULES_DIR;
    expect(prometheus, 'run scripts/services.sh start first').toBeTruthy();
    fs.writeFileSync(path.join(rulesDir!, 'e2e-oncall.yml'), RULES);
    expect((await request.post(`${prometheus}/-/reload`)).ok()).toBe(true);
    const token = await guestToken(request);
    await waitForEntity(request, token, 'component:default/svc-ledger');
    await expect
      .poll(
        async () =>
          JSON.stringify(
            await (await apiGet(request, '/api/runbooks/alerts', token)).json(),
          ),
        { timeout: 60_000, intervals: [1_000] },
      )
      .toContain('SLOErrorBudgetBurnPage');
  });

  test('an on-call engineer sees the firing alert and opens its runbook', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.getByRole('link', { name: 'On call' }).first().click();
    await expect(page).toHaveURL(/\/on-call/);

    await expect(page.getByText('Who is on call')).toBeVisible();
    await expect(page.getByText('Primary', { exact: true })).toBeVisible();
    // This week's primary, from the on-call group's annotations.
    await expect(
      page.getByRole('link', { name: 'Julien Lefèvre' }),
    ).toBeVisible();

    const row = page
      .getByRole('row')
      .filter({ hasText: 'SLOErrorBudgetBurnPage' });
    await expect(row).toBeVisible();
    await expect(
      row.getByText('svc-ledger is burning its error budget'),
    ).toBeVisible();
    await expect(
      row.getByRole('link', { name: 'svc-ledger', exact: true }),
    ).toBeVisible();

    // Beside the alerts: the alerting service's dead letters and backlog.
    const queues = page.getByRole('table', {
      name: 'Dead letters and backlog of alerting services',
    });
    await expect(
      queues.getByRole('link', { name: 'svc-ledger', exact: true }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-ledger/dead-letters',
    );

    const shot = testInfo.outputPath('on-call.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('on-call', { path: shot, contentType: 'image/png' });
    // The severity chips ("critical" pages) among what is checked.
    await expect(row.getByText('critical', { exact: true })).toBeVisible();
    await expectAccessible(page, [A11Y_SCOPES.onCall], 'the On call page');

    await row.getByRole('link', { name: /SLO burn/ }).click();
    await expect(page).toHaveURL(
      /\/docs\/default\/component\/svc-ledger\/runbooks\/slo-burn/,
    );
    // The runbook itself, built by mkdocs: its triage section.
    await expect(
      page.getByRole('heading', { name: /Triage/ }).first(),
    ).toBeVisible({
      timeout: 60_000,
    });
  });

  test("a service's runbooks tab and card list its runbooks", async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/svc-ledger/runbooks');
    const tab = page.locator(A11Y_SCOPES.runbooksTab);
    await expect(
      tab.getByRole('link', { name: /SLO burn/ }).first(),
    ).toBeVisible();
    await expect(
      tab.getByRole('link', { name: /Outbox relay stalled/i }).first(),
    ).toBeVisible();
    // A runbook of a paging alert shows its severity.
    await expect(tab.getByText('page', { exact: true }).first()).toBeVisible();
    const shot = testInfo.outputPath('runbooks-tab.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('runbooks-tab', {
      path: shot,
      contentType: 'image/png',
    });
    await expectAccessible(
      page,
      [A11Y_SCOPES.runbooksTab],
      "svc-ledger's Runbooks tab",
    );

    // The same runbooks on the overview's card.
    await page.goto('/catalog/default/component/svc-ledger');
    const card = page.locator(A11Y_SCOPES.runbooksCard);
    await expect(
      card.getByRole('link', { name: /SLO burn/ }).first(),
    ).toBeVisible();
    await expectAccessible(
      page,
      [A11Y_SCOPES.runbooksCard],
      "svc-ledger's Runbooks card",
    );
  });
});
