import { expect, test } from '@playwright/test';
import {
  A11Y_SCOPES,
  apiGet,
  expectAccessible,
  guestToken,
  infoCard,
  signInAsGuest,
} from './helpers';

/**
 * Data ownership, read live from the database that
 * scripts/e2e-data-ownership-db.sh creates before the backend starts (the
 * seed's six tables with owner comments, a table claimed by two services,
 * an unowned one, personal and card data): svc-ledger's Data card, a
 * table's columns, and the data ownership page of compliance reviewers.
 */
test.describe('data ownership', () => {
  test.beforeAll(async ({ request }) => {
    // The first catalog run after start-up: tables read, then their owners
    // resolved once the services are processed.
    test.setTimeout(150_000);
    const token = await guestToken(request);
    const entity = async (path: string) => {
      const res = await apiGet(
        request,
        `/api/catalog/entities/by-name/${path}`,
        token,
      );
      return res.status() === 200 ? res.json() : undefined;
    };
    // Read live, and owned by svc-ledger's team once the rules processor ran.
    await expect
      .poll(
        async () => {
          const t = await entity('resource/default/ledger-transactions');
          return t
            ? `${t.metadata.annotations['local-plus.io/data-source']} ${t.spec.owner}`
            : 'missing';
        },
        { timeout: 120_000, intervals: [2_000] },
      )
      .toBe('live group:default/product-team');
    // The relations the Data card reads are stitched onto the service.
    await expect
      .poll(
        async () =>
          ((await entity('component/default/svc-ledger'))?.relations ?? [])
            .map(
              (r: { type: string; targetRef: string }) =>
                `${r.type} ${r.targetRef}`,
            )
            .filter((r: string) => /^(ownsTable|producesTopic) /.test(r))
            .sort(),
        { timeout: 120_000, intervals: [2_000] },
      )
      .toEqual([
        'ownsTable resource:default/ledger-ledger-entries',
        'ownsTable resource:default/ledger-settlement-batches',
        'ownsTable resource:default/ledger-transactions',
        'producesTopic resource:default/ledger.transactions.v1',
      ]);
  });

  test("a developer sees svc-ledger's tables and topics on its Data card, then a table's columns", async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/svc-ledger');
    const data = infoCard(page, 'Data');
    await expect(data.getByText('Tables it owns')).toBeVisible();
    for (const name of [
      'ledger-transactions',
      'ledger-ledger-entries',
      'ledger-settlement-batches',
    ]) {
      await expect(data.getByRole('link', { name, exact: true })).toBeVisible();
    }
    // Claimed by svc-ledger and svc-merchant in its comment.
    await expect(
      data
        .getByRole('row', { name: /ledger-settlement-batches/ })
        .getByText('Conflicting owners'),
    ).toBeVisible();
    const produced = data.getByRole('row', {
      name: /ledger\.transactions\.v1/,
    });
    await expect(produced.getByText('Produces')).toBeVisible();
    await expect(
      produced.getByRole('link', { name: 'svc-notification' }),
    ).toBeVisible();
    await expect(
      produced.getByRole('link', { name: 'svc-analytics' }),
    ).toBeVisible();

    const shot = testInfo.outputPath('svc-ledger-data-card.png');
    await data.screenshot({ path: shot });
    await testInfo.attach('svc-ledger-data-card', {
      path: shot,
      contentType: 'image/png',
    });
    await expectAccessible(
      page,
      [A11Y_SCOPES.dataCard],
      "svc-ledger's Data card",
    );

    await data
      .getByRole('link', { name: 'ledger-transactions', exact: true })
      .click();
    await expect(page).toHaveURL(
      /\/catalog\/default\/resource\/ledger-transactions/,
    );
    const columns = infoCard(page, 'Columns');
    await expect(
      columns.getByText(/read live from aiven-postgresql/),
    ).toBeVisible();
    await expect(
      columns.getByRole('row', { name: /idempotency_key/ }),
    ).toBeVisible();
    const columnsShot = testInfo.outputPath('ledger-transactions-columns.png');
    await page.screenshot({ path: columnsShot, fullPage: true });
    await testInfo.attach('ledger-transactions-columns', {
      path: columnsShot,
      contentType: 'image/png',
    });
    await expectAccessible(
      page,
      [A11Y_SCOPES.columnsCard],
      "ledger-transactions' Columns card",
    );

    // A topic the service produces: both of its sides.
    await page.goto('/catalog/default/resource/ledger.transactions.v1');
    const topic = page.locator(A11Y_SCOPES.topicCard);
    await expect(
      topic.getByRole('link', { name: 'svc-notification' }),
    ).toBeVisible();
    await expectAccessible(
      page,
      [A11Y_SCOPES.topicCard],
      'the Producers and consumers card of ledger.transactions.v1',
    );
  });

  test('a compliance reviewer finds the conflicting and unowned tables first, then the card data', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.getByRole('link', { name: 'Data ownership' }).first().click();
    await expect(page).toHaveURL(/\/data-ownership$/);
    await expect(
      page.getByText(/1 unowned, 1 with conflicting owners/),
    ).toBeVisible();

    const rows = page.getByRole('row');
    await expect(rows.nth(1)).toContainText('ledger-settlement-batches');
    await expect(rows.nth(1)).toContainText('Conflicting owners');
    await expect(rows.nth(2)).toContainText('public-legacy-exports');
    await expect(rows.nth(2)).toContainText('Unowned');

    const shot = testInfo.outputPath('data-ownership-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('data-ownership-page', {
      path: shot,
      contentType: 'image/png',
    });
    await expectAccessible(
      page,
      [A11Y_SCOPES.dataOwnership],
      'the data ownership page',
    );

    // Card data (PCI-DSS): the gift card payments table, flagged by name and by value.
    await page.getByRole('button', { name: /^Any data/ }).click();
    await page.getByRole('option', { name: 'Card data (PCI-DSS)' }).click();
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText('giftcard-card-payments');
    await rows
      .nth(1)
      .getByRole('link', { name: 'giftcard-card-payments' })
      .click();
    const columns = infoCard(page, 'Columns');
    await expect(
      columns
        .getByRole('row', { name: /processor_ref/ })
        .getByText('sampled values pass Luhn'),
    ).toBeVisible();
    await expectAccessible(
      page,
      [A11Y_SCOPES.columnsCard],
      "giftcard-card-payments' Columns card",
    );
  });
});
