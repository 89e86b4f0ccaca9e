import { expect, test } from '@playwright/test';
import {
  A11Y_SCOPES,
  apiGet,
  expectAccessible,
  infoCard,
  signInAsGuest,
} from '../helpers';

/**
 * A new user's first run: the portal as `make start` serves it (development
 * config, guest sign-in) with the dev services and their demo data
 * (scripts/first-run-portal.sh). Every main feature shows data, not an
 * error: the home page with the team's services, the SLO board with
 * budgets, the On call page with firing alerts and runbooks, svc-ledger's
 * dead letters, a table's live columns with their flags.
 */

const backend = 'http://localhost:7018';

test.describe('first run with the dev services', () => {
  test.beforeAll(async ({ request }) => {
    test.setTimeout(180_000);
    // The backend may finish starting after the frontend compiled.
    await expect
      .poll(
        async () =>
          (
            await request
              .get(`${backend}/.backstage/health/v1/readiness`)
              .catch(() => undefined)
          )?.status(),
        { timeout: 120_000, intervals: [1_000] },
      )
      .toBe(200);
    // What the journeys below read, as the backend serves it: the catalog
    // has svc-ledger, and the dev Prometheus answers for its SLOs (the
    // messages say which part of `make start` is missing).
    const refresh = await request.get(`${backend}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(refresh.status(), 'guest sign-in (auth.providers.guest)').toBe(200);
    const token: string = (await refresh.json()).backstageIdentity.token;
    await expect
      .poll(
        async () =>
          (
            await apiGet(
              request,
              `${backend}/api/catalog/entities/by-name/component/default/svc-ledger`,
              token,
            )
          ).status(),
        {
          message: "svc-ledger in the catalog (make start's catalog files)",
          timeout: 120_000,
          intervals: [1_000],
        },
      )
      .toBe(200);
    await expect
      .poll(
        async () => {
          const res = await apiGet(
            request,
            `${backend}/api/slo/entities/component/default/svc-ledger/slos`,
            token,
          );
          if (!res.ok()) return `${res.status()} ${await res.text()}`;
          const { slos, errors } = await res.json();
          return errors.length
            ? errors.map((e: { message: string }) => e.message).join('; ')
            : `${slos.length} SLO(s)`;
        },
        {
          message: "svc-ledger's SLOs from the dev Prometheus",
          timeout: 60_000,
          intervals: [1_000],
        },
      )
      .toMatch(/^[1-9]\d* SLO\(s\)$/);
  });

  test('the home page shows the team and the alerts firing now', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    const team = page.getByTestId('home-page');
    // The product team's services, with their SLO and dead-letter state.
    await expect(
      team.getByRole('link', { name: 'svc-ledger', exact: true }).first(),
    ).toBeVisible();
    await expect(team.getByText(/budget left/).first()).toBeVisible();
    // The dev Prometheus fires the ticket alert once Sloth's rules are
    // loaded and evaluated; the card asks again every 30 s, as a user
    // leaving the page open sees it arrive.
    await expect(
      page.getByText('SLOErrorBudgetBurnTicket').first(),
    ).toBeVisible({ timeout: 120_000 });
    await page.screenshot({
      path: testInfo.outputPath('home.png'),
      fullPage: true,
    });
    await expectAccessible(page, [A11Y_SCOPES.home], 'the home page');
  });

  test('the SLO board has budgets and the On call page firing alerts with runbooks', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/slo');
    const rows = page.getByRole('row');
    await expect(rows.filter({ hasText: 'svc-ledger' }).first()).toBeVisible();
    await expect(
      page.getByText(/Request failed|could not be reached/),
    ).toHaveCount(0);
    // Budgets are percentages computed from the dev series.
    await expect(rows.filter({ hasText: '%' }).first()).toBeVisible();
    await page.screenshot({
      path: testInfo.outputPath('slo-board.png'),
      fullPage: true,
    });
    await expectAccessible(page, [A11Y_SCOPES.sloBoard], 'the SLO board');

    await page.goto('/on-call');
    const alert = rows.filter({ hasText: 'SLOErrorBudgetBurnTicket' });
    await expect(alert).toBeVisible({ timeout: 60_000 });
    await expect(alert.getByRole('link', { name: /SLO burn/ })).toBeVisible();
    await expect(
      rows.filter({ hasText: 'DramatiqDeadLetterQueueGrowing' }),
    ).toBeVisible();
    await page.screenshot({
      path: testInfo.outputPath('on-call.png'),
      fullPage: true,
    });
    await expectAccessible(page, [A11Y_SCOPES.onCall], 'the On call page');
  });

  test('the Scorecards page levels every service, and svc-ledger says what blocks its next level', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    // The first collection runs 20 s after start-up; the page shows it
    // once it has landed (a reload, as a user coming back would do).
    await expect(async () => {
      await page.goto('/scorecards');
      await expect(
        page.getByRole('table', { name: /by number of failing services/i }),
      ).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 120_000 });
    await expect(page.getByText(/^Every service \(\d+\)/)).toBeVisible();
    await expect(
      page
        .getByTestId('scorecards-page')
        .getByRole('link', { name: 'svc-ledger', exact: true })
        .first(),
    ).toBeVisible();
    await page.screenshot({
      path: testInfo.outputPath('scorecards.png'),
      fullPage: true,
    });
    await expectAccessible(
      page,
      [A11Y_SCOPES.scorecardsPage],
      'the Scorecards page',
    );

    await page.goto('/catalog/default/component/svc-ledger');
    const card = infoCard(page, 'Production readiness');
    await expect(card).toContainText(/Next: (Bronze|Silver|Gold)/);
    await expectAccessible(
      page,
      [A11Y_SCOPES.scorecardCard],
      "svc-ledger's Production readiness card",
    );
  });

  test("svc-ledger's dead letters and a table's live columns", async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/svc-ledger');
    const deadLetters = infoCard(page, 'Dead letters');
    const critical = deadLetters
      .getByRole('row')
      .filter({ hasText: /^critical/ });
    await expect(critical).toBeVisible();
    await expect(critical.getByText('3', { exact: true })).toBeVisible();
    // Our other cards of the overview, loaded.
    await expect(
      page
        .locator(A11Y_SCOPES.sloCard)
        .getByText(/budget|No SLO yet/i)
        .first(),
    ).toBeVisible();
    await expect(
      page
        .locator(A11Y_SCOPES.runbooksCard)
        .getByRole('link', { name: /SLO burn/ })
        .first(),
    ).toBeVisible({ timeout: 60_000 });
    await expect(
      page.locator(A11Y_SCOPES.dataCard).getByText('Tables it owns'),
    ).toBeVisible();
    await page.screenshot({
      path: testInfo.outputPath('svc-ledger.png'),
      fullPage: true,
    });
    await expectAccessible(
      page,
      [
        A11Y_SCOPES.deadLettersCard,
        A11Y_SCOPES.sloCard,
        A11Y_SCOPES.runbooksCard,
        A11Y_SCOPES.dataCard,
      ],
      "svc-ledger's overview cards",
    );

    // A confirmation's payload, masked; the queues' backlog, live.
    await page.goto('/catalog/default/component/svc-notification/dead-letters');
    await page
      .getByRole('button', {
        name: /^Show details of notification\.send_email_confirmation/,
      })
      .click();
    await expect(page.getByLabel('Keyword arguments')).toContainText(
      '"to": "c***@example.fr"',
    );
    await expect(page.getByLabel('Keyword arguments')).toContainText(
      '"gift_card": "411111******1111"',
    );
    const backlog = page.getByRole('table', { name: 'Queue backlog' });
    await expect(
      backlog.getByRole('row').filter({ hasText: /^default/ }),
    ).toContainText('40');
    await expectAccessible(
      page,
      [A11Y_SCOPES.deadLettersTab],
      "svc-notification's dead letters, one opened",
    );

    // Read live from the dev PostgreSQL: columns, with the card-data flag.
    await page.goto('/catalog/default/resource/giftcard-card-payments');
    const columns = infoCard(page, 'Columns');
    await expect(
      columns.getByText(/read live from aiven-postgresql/),
    ).toBeVisible({ timeout: 60_000 });
    await expect(
      columns
        .getByRole('row', { name: /processor_ref/ })
        .getByText('sampled values pass Luhn'),
    ).toBeVisible();
    await page.screenshot({
      path: testInfo.outputPath('card-payments.png'),
      fullPage: true,
    });
    await expectAccessible(
      page,
      [A11Y_SCOPES.columnsCard],
      "giftcard-card-payments' Columns card",
    );
  });
});
