import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import {
  apiGet,
  card,
  guestToken,
  signInAsGuest,
  waitForEntity,
} from './helpers';
import { backendLog } from './productionBackend';

test.describe('the Local-Plus catalog', () => {
  test.beforeAll(async ({ request }) => {
    const token = await guestToken(request);
    await waitForEntity(request, token, 'component:default/svc-ledger');
    // Tables come from the data-ownership provider, a little after the
    // catalog files: svc-ledger's page shows this one among its resources.
    await waitForEntity(request, token, 'resource:default/ledger-transactions');
  });

  test('a developer finds svc-ledger and sees its owner, system, APIs and dependencies', async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);

    // The catalog's index; find the ledger with its search box.
    await page.goto('/catalog');
    await expect(
      page.getByRole('heading', { name: /Local-Plus Catalog/ }),
    ).toBeVisible();
    await page.getByPlaceholder('Search').fill('svc-ledger');
    await page.getByRole('link', { name: 'svc-ledger', exact: true }).click();

    await expect(page).toHaveURL(/\/catalog\/default\/component\/svc-ledger/);
    await expect(
      page.getByRole('heading', { name: 'svc-ledger' }).first(),
    ).toBeVisible();

    // Owner, system and criticality, from the About and Labels cards.
    const about = card(page, 'About');
    await expect(
      about.getByRole('link', { name: 'Product Team' }),
    ).toBeVisible();
    await expect(about.getByRole('link', { name: 'local-plus' })).toBeVisible();
    await expect(
      card(page, 'Labels').getByText('P0', { exact: true }),
    ).toBeVisible();

    // APIs it provides and consumes.
    const provided = card(page, 'Provided APIs');
    await expect(
      provided.getByRole('link', { name: 'ledger-grpc' }),
    ).toBeVisible();
    await expect(
      provided.getByRole('link', { name: 'ledger-rest' }),
    ).toBeVisible();
    await expect(
      card(page, 'Consumed APIs').getByRole('link', { name: 'wallet-grpc' }),
    ).toBeVisible();

    // Its dependencies: tables it owns, the topic it produces, the queue.
    const resources = card(page, 'Depends on resources');
    for (const name of [
      'ledger-transactions',
      'ledger.transactions.v1',
      'aiven-postgresql',
      'dramatiq-critical',
    ]) {
      await expect(
        resources.getByRole('link', { name, exact: true }),
      ).toBeVisible();
    }
    await expect(
      card(page, 'Depends on components').getByRole('link', {
        name: 'contracts-proto',
      }),
    ).toBeVisible();

    const shot = testInfo.outputPath('svc-ledger.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('svc-ledger', {
      path: shot,
      contentType: 'image/png',
    });
  });

  test('the gRPC definition of the ledger API is shown', async ({ page }) => {
    await signInAsGuest(page);
    await page.goto('/catalog/default/api/ledger-grpc/definition');
    await expect(page.getByText('package localplus.ledger.v1')).toBeVisible();
  });
});

test.describe('the catalog API', () => {
  test('reads an entity with a token and refuses without one', async ({
    request,
  }) => {
    const path = '/api/catalog/entities/by-name/component/default/svc-ledger';
    const res = await apiGet(request, path, await guestToken(request));
    expect(res.status()).toBe(200);
    const entity = await res.json();
    expect(entity.spec.owner).toBe('group:default/product-team');
    expect(entity.spec.system).toMatch(/(^|\/)local-plus$/);

    expect((await apiGet(request, path, null)).status()).toBe(401);
  });

  test('every entity of the catalog has an owner that exists', async ({
    request,
  }) => {
    const res = await apiGet(
      request,
      '/api/catalog/entities?fields=kind,metadata.name,spec.owner',
      await guestToken(request),
    );
    const entities: any[] = await res.json();
    const groups = new Set(
      entities
        .filter(e => e.kind === 'Group')
        .map(e => `group:default/${e.metadata.name}`),
    );
    const withOwner = entities.filter(e =>
      ['Component', 'API', 'Resource', 'System', 'Domain'].includes(e.kind),
    );
    expect(withOwner.length).toBeGreaterThan(40);
    for (const e of withOwner) {
      const owner = e.spec.owner.includes(':')
        ? e.spec.owner
        : `group:default/${e.spec.owner}`;
      expect(groups, `${e.kind} ${e.metadata.name}`).toContain(owner);
    }
  });

  test('an invalid catalog file is reported with its file and reason', async () => {
    // The catalog logs each processing error with the file it came from,
    // and goes on with the rest (the other tests see svc-ledger loaded).
    const reported = () =>
      (fs.existsSync(backendLog) ? fs.readFileSync(backendLog, 'utf8') : '')
        .split('\n')
        .filter(line => line.startsWith('{'))
        .map(line => JSON.parse(line))
        .find(
          entry =>
            entry.location?.endsWith('/fixtures/broken-catalog.yaml') &&
            entry.message?.includes('"metadata.name" is not valid') &&
            entry.message?.includes('svc ledger copy!'),
        );
    await expect
      .poll(reported, { timeout: 60_000, intervals: [1_000] })
      .toBeTruthy();
  });
});
