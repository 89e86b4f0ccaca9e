import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import {
  A11Y_SCOPES,
  apiGet,
  expectAccessible,
  guestToken,
  infoCard,
  signInAsGuest,
  waitForEntity,
} from './helpers';
import { deadLettersRedisUrl, repoRoot } from './productionBackend';

// svc-ledger's dead letters in Dramatiq's Redis layout, written into the
// Redis the e2e backend reads (scripts/dev-dead-letters.cjs): two
// ledger.rollback_transaction and one ledger.raise_fraud_alert on
// `critical`, twelve wallet tasks on `high`, notification tasks, and one
// message that is not valid JSON.
test.describe('dead letters', () => {
  test.beforeAll(async ({ request }) => {
    execFileSync(
      'node',
      ['scripts/dev-dead-letters.cjs', deadLettersRedisUrl],
      {
        cwd: repoRoot,
        stdio: 'inherit',
      },
    );
    const token = await guestToken(request);
    await waitForEntity(request, token, 'component:default/svc-ledger');
    await waitForEntity(
      request,
      token,
      'resource:default/dramatiq-dead-letter',
    );
  });

  test('the dead-letter API refuses a caller without credentials', async ({
    request,
  }) => {
    const res = await apiGet(
      request,
      '/api/dlq/dead-letters?entityRef=component:default/svc-ledger',
      null,
    );
    expect(res.status()).toBe(401);
  });

  test('an on-call engineer sees svc-ledger paging on dead letters, replays one and discards one with a reason', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/svc-ledger');

    // The overview card: three dead letters on critical, which pages.
    const card = infoCard(page, 'Dead letters');
    await expect(card).toContainText('3 dead letters');
    const critical = card.getByRole('row').filter({ hasText: /^critical/ });
    await expect(critical).toContainText('3');
    await expect(critical.getByText('page', { exact: true })).toBeVisible();
    // Only svc-ledger's actors: the twelve wallet tasks on `high` are not its own.
    const high = card.getByRole('row').filter({ hasText: /^high/ });
    await expect(high).toContainText('0');
    await expect(high.getByText('ok', { exact: true })).toBeVisible();
    await expectAccessible(
      page,
      [A11Y_SCOPES.deadLettersCard],
      "svc-ledger's Dead letters card",
    );

    await card
      .getByRole('link', { name: 'Inspect, replay or discard' })
      .click();
    await expect(page).toHaveURL(/component\/svc-ledger\/dead-letters/);
    const table = page.getByRole('table', { name: 'Dead-lettered tasks' });
    // One row per dead letter (each with its own details row below it).
    const items = table.getByRole('row').filter({
      has: page.getByRole('button', { name: /details of/ }),
    });
    await expect(items).toHaveCount(3);
    // Newest first: the rollbacks (40 and 42 min ago), then the fraud alert.
    await expect(items.nth(0)).toContainText('ledger.rollback_transaction');
    await expect(items.nth(2)).toContainText('ledger.raise_fraud_alert');
    await expect(items.nth(0)).toContainText('psycopg.OperationalError');

    // The details of the newest: its arguments and the whole stack trace.
    await table
      .getByRole('button', { name: /^Show details of/ })
      .first()
      .click();
    const details = page.getByRole('region', { name: /^Details of/ }).first();
    await expect(details).toContainText('c1f4e0b2-3d5a-4b7e-8e6f-9a0b1c2d3e4f');
    await expect(details).toContainText('burn_failed');
    await expect(details).toContainText('Traceback (most recent call last)');
    const shot = testInfo.outputPath('dead-letters-tab.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('dead-letters-tab', {
      path: shot,
      contentType: 'image/png',
    });
    await expectAccessible(
      page,
      [A11Y_SCOPES.deadLettersTab],
      "svc-ledger's Dead letters tab, details open",
    );

    // Replay the fraud alert: a confirmation first, then it leaves the list.
    await table
      .getByRole('button', { name: /^Replay ledger\.raise_fraud_alert/ })
      .click();
    const replay = page.getByRole('dialog', {
      name: 'Replay this dead letter?',
    });
    await expect(replay).toContainText('ledger.raise_fraud_alert');
    await expectAccessible(
      page,
      ['[data-testid="dlq-replay-dialog"] [role="dialog"]'],
      'the replay dialog',
    );
    await replay.getByRole('button', { name: 'Replay', exact: true }).click();
    await expect(replay).toBeHidden();
    await expect(items).toHaveCount(2);
    await expect(table).not.toContainText('ledger.raise_fraud_alert');
    // Back on Dramatiq's critical queue, where a worker fetches it: the same
    // message, its retries reset.
    const redis = (...args: string[]) =>
      execFileSync('redis-cli', ['-u', deadLettersRedisUrl, '--raw', ...args])
        .toString()
        .trim();
    const [queued] = redis('LRANGE', 'dramatiq:critical', '0', '-1').split(
      '\n',
    );
    const message = JSON.parse(redis('HGET', 'dramatiq:critical.msgs', queued));
    expect(message.actor_name).toBe('ledger.raise_fraud_alert');
    expect(message.options.retries).toBe(0);
    expect(message.options.redis_message_id).toBe(queued);

    // Discard a rollback: the reason is required, and kept.
    await table
      .getByRole('button', { name: /^Discard ledger\.rollback_transaction/ })
      .first()
      .click();
    const discard = page.getByRole('dialog', {
      name: 'Discard this dead letter?',
    });
    await discard.getByLabel('Reason').fill('too short');
    await discard.getByRole('button', { name: 'Discard', exact: true }).click();
    await expect(discard).toContainText('at least 10 characters');
    await expectAccessible(
      page,
      ['[data-testid="dlq-discard-dialog"] [role="dialog"]'],
      'the discard dialog, with its error',
    );
    await discard
      .getByLabel('Reason')
      .fill('Rolled back by hand in INC-2211, nothing left to do');
    await discard.getByRole('button', { name: 'Discard', exact: true }).click();
    await expect(discard).toBeHidden();
    await expect(items).toHaveCount(1);

    // The audit trail: who did what, and why.
    const actions = page.getByRole('table', { name: 'Recent actions' });
    await expect(actions).toContainText('replayed');
    await expect(actions).toContainText('discarded');
    await expect(actions).toContainText(
      'Rolled back by hand in INC-2211, nothing left to do',
    );
    await expect(actions).toContainText('development/guest');
    await expectAccessible(
      page,
      [A11Y_SCOPES.deadLettersTab],
      "svc-ledger's Dead letters tab, with its recent actions",
    );
    const after = testInfo.outputPath('dead-letters-after.png');
    await page.screenshot({ path: after, fullPage: true });
    await testInfo.attach('dead-letters-after', {
      path: after,
      contentType: 'image/png',
    });
  });

  test('the platform view lists every queue, the unreadable entry included', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto(
      '/catalog/default/resource/dramatiq-dead-letter/dead-letters',
    );
    const depths = page.getByRole('table', { name: 'Dead letters per queue' });
    await expect(depths).toContainText('high');
    await expect(depths).toContainText('default');
    const table = page.getByRole('table', { name: 'Dead-lettered tasks' });
    await expect(table).toContainText('wallet.publish_balance_updated');
    await expect(table).toContainText('notification.send_sms_confirmation');
    // What a confirmation carries is masked before it leaves the backend.
    await table
      .getByRole('button', {
        name: /^Show details of notification\.send_email_confirmation/,
      })
      .click();
    const kwargs = page.getByLabel('Keyword arguments');
    await expect(kwargs).toContainText('"to": "c***@example.fr"');
    await expect(kwargs).toContainText('"gift_card": "411111******1111"');
    await expect(kwargs).toContainText('"refund_iban": "FR76****0189"');
    const body = page.locator('body');
    await expect(body).not.toContainText('claire.martin@example.fr');
    await expect(body).not.toContainText('4111 1111 1111 1111');
    const unreadable = table
      .getByRole('row')
      .filter({ hasText: /Unreadable:/ });
    await expect(unreadable).toHaveCount(1);
    await expect(
      unreadable.getByRole('button', { name: /^Replay/ }),
    ).toHaveCount(0);
    await expect(
      unreadable.getByRole('button', { name: /^Discard/ }),
    ).toBeVisible();
    const shot = testInfo.outputPath('dead-letters-platform.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('dead-letters-platform', {
      path: shot,
      contentType: 'image/png',
    });
    await expectAccessible(
      page,
      [A11Y_SCOPES.deadLettersTab],
      'the platform dead-letter tab',
    );
  });

  test('an on-call engineer filters svc-wallet dead letters, replays two in bulk and discards the rest with a reason', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/svc-wallet/dead-letters');
    const tab = page.getByTestId('dead-letters-tab');
    await expect(tab).toContainText('12 dead letters');

    // Nothing is older than a day: the filter says so, Clear brings them back.
    await page.locator('#dlq-filter-age').click();
    await page.getByRole('option', { name: 'Older than 1 day' }).click();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(
      tab.getByText('No dead letter matches these filters on this page.'),
    ).toBeVisible();
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(tab.getByText(/^Page 1: 12 of 12/)).toBeVisible();

    // Two selected, replayed in bulk at a pace.
    const table = page.getByRole('table', { name: 'Dead-lettered tasks' });
    const boxes = table.getByRole('checkbox');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByRole('button', { name: 'Replay selected (2)' }).click();
    const dialog = page.getByTestId('dlq-bulk-dialog').getByRole('dialog');
    await expect(dialog).toContainText('Replay the 2 selected dead letters');
    await expectAccessible(
      page,
      ['[data-testid="dlq-bulk-dialog"] [role="dialog"]'],
      'the bulk replay dialog',
    );
    await dialog.getByRole('button', { name: 'Replay at 50/s' }).click();
    await expect(dialog).toBeHidden();
    const jobs = page.getByRole('table', { name: 'Bulk replays and discards' });
    await expect(jobs.getByRole('row').nth(1)).toContainText(
      '2 replayed of 2',
      { timeout: 20_000 },
    );
    await expect(jobs.getByRole('row').nth(1)).toContainText('done');
    await expect(tab.getByText(/^Page 1: 10 of 10/)).toBeVisible();

    // The rest discarded in bulk, with a reason on every row of the trail.
    await page.getByRole('button', { name: 'Discard all 10' }).click();
    await dialog
      .getByLabel('Reason')
      .fill('Balance versions superseded by the nightly reconciliation');
    await dialog.getByRole('button', { name: 'Discard at 50/s' }).click();
    await expect(jobs.getByRole('row').nth(1)).toContainText(
      '10 discarded of 10',
      { timeout: 20_000 },
    );
    await expect(tab).toContainText('No dead letters');
    const actions = page.getByRole('table', { name: 'Recent actions' });
    await expect(actions).toContainText(
      'Balance versions superseded by the nightly reconciliation',
    );
    const shot = testInfo.outputPath('dead-letters-bulk.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('dead-letters-bulk', {
      path: shot,
      contentType: 'image/png',
    });
    await expectAccessible(
      page,
      [A11Y_SCOPES.deadLettersTab],
      "svc-wallet's Dead letters tab after two bulk jobs",
    );
  });
});
