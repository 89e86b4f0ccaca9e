import { expect, Locator, Page, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  A11Y_SCOPES,
  apiGet,
  card,
  expectAccessible,
  guestToken,
  signInAsGuest,
  waitForEntity,
} from './helpers';
import { deadLettersRedisUrl, repoRoot } from './productionBackend';

/**
 * The home page at `/`, as the guest (a member of the product team) sees
 * it: search, the product team's services with their SLOs, dead letters
 * and data findings, the alerts firing now with their runbooks, the way
 * into the golden path and the reviewers' shortcuts.
 *
 * Known state: the sample dead letters (scripts/dev-dead-letters.cjs:
 * three of svc-ledger's on `critical`, twelve of svc-wallet's on `high`),
 * one alert of svc-wallet firing in the test Prometheus, and the table
 * svc-ledger and svc-merchant both claim (scripts/e2e-data-ownership-db.sh).
 */

const RULES_FILE = 'e2e-home.yml';
const RULES = `
groups:
  - name: e2e-home
    interval: 1s
    rules:
      - alert: DramatiqDeadLetterQueueGrowing
        expr: vector(1)
        labels: { service: svc-wallet, severity: warning }
        annotations:
          summary: svc-wallet dead letters are piling up on high
          runbook_url: https://portal.local-plus.example/docs/default/component/svc-wallet/runbooks/dead-letters-piling-up/
`;

const prometheus = process.env.LOCALPLUS_PROMETHEUS_URL;
const rulesDir = process.env.LOCALPLUS_PROMETHEUS_RULES_DIR;

/** The row of a table inside `scope` whose first link has this name. */
function rowOf(scope: Locator, name: string): Locator {
  return scope
    .getByRole('row')
    .filter({ has: scope.page().getByRole('link', { name, exact: true }) });
}

test.describe('home page', () => {
  test.beforeAll(async ({ request }) => {
    test.setTimeout(180_000);
    const token = await guestToken(request);

    // "My team" is the guest's ownership: the product team must be in it.
    const refresh = await request.get('/api/auth/guest/refresh', {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(
      (await refresh.json()).backstageIdentity.identity.ownershipEntityRefs,
      'the e2e guest must be a member of group:default/product-team (auth.providers.guest.ownershipEntityRefs)',
    ).toContain('group:default/product-team');

    await waitForEntity(request, token, 'component:default/svc-ledger');
    await waitForEntity(request, token, 'component:default/svc-wallet');

    // Dead letters in a known state.
    execFileSync(
      'node',
      ['scripts/dev-dead-letters.cjs', deadLettersRedisUrl],
      { cwd: repoRoot, stdio: 'inherit' },
    );

    // One alert firing, with a runbook.
    expect(prometheus, 'run scripts/services.sh start first').toBeTruthy();
    fs.writeFileSync(path.join(rulesDir!, RULES_FILE), RULES);
    expect((await request.post(`${prometheus}/-/reload`)).ok()).toBe(true);
    await expect
      .poll(
        async () =>
          JSON.stringify(
            await (await apiGet(request, '/api/runbooks/alerts', token)).json(),
          ),
        { timeout: 60_000, intervals: [1_000] },
      )
      .toContain('DramatiqDeadLetterQueueGrowing');

    // The conflicting table, read live and tied to both services.
    await expect
      .poll(
        async () => {
          const res = await apiGet(
            request,
            '/api/catalog/entities/by-name/resource/default/ledger-settlement-batches',
            token,
          );
          if (res.status() !== 200) return 'missing';
          const table = await res.json();
          const owners = (table.relations ?? [])
            .filter((r: { type: string }) => r.type === 'tableOwnedBy')
            .map((r: { targetRef: string }) => r.targetRef);
          const findings =
            table.metadata.annotations?.['local-plus.io/data-findings'] ?? '';
          return `${owners.sort().join(',')} ${
            findings.includes('conflicting-owners') ? 'conflict' : 'no finding'
          }`;
        },
        { timeout: 120_000, intervals: [2_000] },
      )
      .toBe(
        'component:default/svc-ledger,component:default/svc-merchant conflict',
      );
  });

  test.afterAll(async ({ request }) => {
    if (!rulesDir || !prometheus) return;
    fs.rmSync(path.join(rulesDir, RULES_FILE), { force: true });
    await request.post(`${prometheus}/-/reload`);
  });

  test("a developer sees the product team's services, what is firing, and where to go next", async ({
    page,
  }, testInfo) => {
    test.setTimeout(90_000);
    await signInAsGuest(page);
    await expect(page).toHaveURL(/\/$/);
    // No editable widget grid.
    await expect(page.getByText(/No widgets added/)).toHaveCount(0);

    // The team's services, each linking to its page, with its columns.
    const team = card(page, "My team's services");
    // Whose services: the team, by name, after a space.
    await expect(team).toContainText(/Components owned by Product Team/);
    for (const name of ['svc-ledger', 'svc-wallet', 'svc-merchant']) {
      await expect(
        team.getByRole('link', { name, exact: true }),
      ).toHaveAttribute('href', `/catalog/default/component/${name}`);
    }
    // Another team's component is not listed.
    await expect(
      team.getByRole('link', { name: 'platform-gitops', exact: true }),
    ).toHaveCount(0);
    for (const column of ['SLOs', 'Dead letters', 'Data findings']) {
      await expect(
        team.getByRole('columnheader', { name: column }),
      ).toBeVisible();
    }
    const ledger = rowOf(team, 'svc-ledger');
    await expect(
      ledger.getByRole('link', { name: '3 dead letters' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-ledger/dead-letters',
    );
    await expect(ledger).toContainText('3 in critical');
    await expect(rowOf(team, 'svc-wallet')).toContainText('12 in high');
    await expect(ledger).toContainText('conflicting owners');
    // Every SLO cell has answered (a state, "No SLO yet", or what failed).
    await expect(ledger.getByText('Loading…')).toHaveCount(0);

    // The alert firing now, with its runbook.
    const alerts = page.locator('.MuiCard-root').filter({
      has: page.getByRole('heading', { name: /^Alerts firing now/ }),
    });
    const alert = alerts
      .getByRole('row')
      .filter({ hasText: 'DramatiqDeadLetterQueueGrowing' });
    await expect(alert).toContainText(
      'svc-wallet dead letters are piling up on high',
    );
    await expect(
      alert.getByRole('link', { name: 'svc-wallet', exact: true }),
    ).toBeVisible();
    await expect(
      alert.getByRole('link', { name: /Dead letters piling up/ }),
    ).toHaveAttribute(
      'href',
      '/docs/default/component/svc-wallet/runbooks/dead-letters-piling-up/',
    );

    // The golden path.
    await expect(
      page.getByRole('link', { name: 'Create a service', exact: true }),
    ).toHaveAttribute('href', '/create');

    // The reviewers' shortcuts.
    const reviewers = card(page, 'For reviewers');
    await expect(
      reviewers.getByRole('link', { name: 'Compliance evidence' }),
    ).toHaveAttribute('href', '/docs/default/component/docs/compliance/');
    await expect(
      reviewers.getByRole('link', { name: 'GDPR data retention policy' }),
    ).toHaveAttribute(
      'href',
      '/docs/default/component/docs/compliance/gdpr/data-retention-policy/',
    );
    await expect(
      reviewers.getByRole('link', { name: 'Data ownership' }),
    ).toHaveAttribute('href', '/data-ownership');

    const shot = testInfo.outputPath('home.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('home', { path: shot, contentType: 'image/png' });

    await expectAccessible(page, [A11Y_SCOPES.home], 'the home page');
  });

  test('the search bar, the golden path and the data ownership page are one click away', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await signInAsGuest(page);

    const search = page.getByRole('textbox', { name: 'Search', exact: true });
    await search.fill('svc-ledger');
    await search.press('Enter');
    await expect(page).toHaveURL(/\/search\?query=svc-ledger/);

    await page.goto('/');
    await page
      .getByRole('link', { name: 'Create a service', exact: true })
      .click();
    // The template list (the scaffolder adds its filters to the URL).
    await expect(page).toHaveURL(/\/create(\/templates)?(\?|$)/);
    // Each language's golden path, one card each.
    for (const title of [
      'New Local-Plus service (Python)',
      'New Local-Plus service (TypeScript)',
    ]) {
      await expect(page.getByText(title).first()).toBeVisible({
        timeout: 60_000,
      });
    }

    await page.goto('/');
    await card(page, 'For reviewers')
      .getByRole('link', { name: 'Data ownership' })
      .click();
    await expect(page).toHaveURL(/\/data-ownership$/);
  });
});
