import { APIRequestContext, expect, test } from '@playwright/test';
import {
  A11Y_SCOPES,
  attachScreenshot,
  apiGet,
  expectAccessible,
  guestToken,
  infoCard,
  signInAsGuest,
  waitForEntity,
} from './helpers';

// The e2e backend collects scorecards 5 s after start-up and every minute
// (app-config.e2e.yaml), from the same catalog, local cluster, Prometheus,
// Valkey and TechDocs the other journeys use. svc-ledger runs an unsigned
// image (require-image-signature, critical: kyverno.test.ts), so it cannot
// pass the policy check, whatever else the other journeys change.

type Check = { id: string; outcome: string; detail: string };

/** Waits for a collection that read the Kyverno snapshot of this run. */
async function waitForLedgerScorecard(
  request: APIRequestContext,
  token: string,
) {
  let checks: Check[] = [];
  await expect
    .poll(
      async () => {
        const res = await apiGet(
          request,
          '/api/scorecards/entities/component/default/svc-ledger',
          token,
        );
        if (!res.ok()) return `HTTP ${res.status()}`;
        checks = (await res.json()).checks;
        return checks.find(c => c.id === 'kyverno')?.detail ?? 'no check';
      },
      {
        timeout: 150_000,
        message: "svc-ledger's scorecard with its policy results",
      },
    )
    .toMatch(/critical or high results fail/);
  return checks;
}

test.describe('Production-readiness scorecards', () => {
  let checks: Check[];

  test.beforeAll(async ({ request }) => {
    test.setTimeout(240_000);
    const token = await guestToken(request);
    await waitForEntity(request, token, 'component:default/svc-ledger');
    checks = await waitForLedgerScorecard(request, token);
  });

  test('the scorecard API refuses a caller without credentials and names a bad parameter', async ({
    request,
  }) => {
    expect(
      (await apiGet(request, '/api/scorecards/ranking', null)).status(),
    ).toBe(401);
    const bad = await apiGet(
      request,
      '/api/scorecards/rollups?by=tribe',
      await guestToken(request),
    );
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.message).toBe(
      'Invalid query by: expected one of owner, system, domain',
    );
  });

  test('an on-call engineer opens svc-ledger, sees what blocks its next level, and how to fix the policy failure', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/svc-ledger');

    const card = infoCard(page, 'Production readiness');
    // The policy check is silver: svc-ledger is bronze at best, and the card
    // names the policy check among what blocks silver.
    await expect(card).toContainText(/Next: (Bronze|Silver)/);
    await expect(card).toContainText('No critical or high policy failures');
    await expectAccessible(
      page,
      [A11Y_SCOPES.scorecardCard],
      "svc-ledger's Production readiness card",
    );

    await card.getByRole('link', { name: /see every check/i }).click();
    await expect(page).toHaveURL(/component\/svc-ledger\/scorecard/);
    const silver = page.getByRole('table', { name: /silver/i });
    const policyRow = silver.getByRole('row', {
      name: /No critical or high policy failures/,
    });
    await expect(policyRow).toContainText('Fail');
    await expect(policyRow).toContainText('require-image-signature');
    await expect(
      policyRow.getByRole('link', { name: /how to fix/i }),
    ).toHaveAttribute(
      'href',
      '/docs/default/component/docs/scorecards/#kyverno',
    );
    // The owner check reads the catalog: product-team's rotation is on-call.
    const bronze = page.getByRole('table', { name: /bronze/i });
    const ownerRow = bronze.getByRole('row', { name: /Owner and on-call/ });
    await expect(ownerRow).toContainText('Pass');
    await expect(ownerRow).toContainText(
      'group:default/product-team, on call through group:default/on-call',
    );
    expect(checks.find(c => c.id === 'owner-on-call')?.outcome).toBe('pass');
    await expectAccessible(
      page,
      [A11Y_SCOPES.scorecardTab],
      "svc-ledger's Scorecard tab",
    );
    await attachScreenshot(page, testInfo, 'svc-ledger-scorecard');
  });

  test('a platform engineer reads the rollups, the ranking and the trend', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/scorecards');
    const scorecards = page.getByTestId('scorecards-page');

    const ranking = page.getByRole('table', {
      name: /by number of failing services/i,
    });
    const policyRow = ranking.getByRole('row', {
      name: /No critical or high policy failures/,
    });
    await expect(policyRow).toContainText('svc-ledger');

    // By team: every seed service is product-team's.
    const byTeam = page.getByRole('table', { name: /by team/i });
    await expect(
      byTeam.getByRole('rowheader', { name: /product-team|Product Team/ }),
    ).toBeVisible();
    await page.getByRole('radio', { name: 'System' }).check();
    const bySystem = page.getByRole('table', { name: /by system/i });
    await expect(
      bySystem.getByRole('rowheader', { name: /local-plus/ }),
    ).toBeVisible();
    await expect(scorecards).toContainText(/Levels over the last 30 days/);
    // Nobody here may collect now (platform admins only): no button.
    await expect(
      page.getByRole('button', { name: /collect now/i }),
    ).toHaveCount(0);
    await expectAccessible(
      page,
      [A11Y_SCOPES.scorecardsPage],
      'the Scorecards page',
    );
    await attachScreenshot(page, testInfo, 'scorecards-page');
  });
});
