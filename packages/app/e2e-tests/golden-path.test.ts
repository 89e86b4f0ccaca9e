import { expect, Page, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, scaffoldedDir } from './productionBackend';
import {
  A11Y_SCOPES,
  expectAccessible,
  infoCard,
  signInAsGuest,
} from './helpers';

// A developer creates a service from the golden path in the browser and
// reaches its catalog page, in each language the golden path offers
// (templates/golden-path/svc-*.yaml). The e2e backend publishes to a local
// folder.
const run = Date.now().toString(36);
const goldenPath = path.join(repoRoot, 'templates/golden-path');
const templates = fs
  .readdirSync(goldenPath)
  .filter(f => /^svc-.*\.yaml$/.test(f))
  .map(f => {
    // metadata.name and metadata.title, two-space indented in our templates.
    const text = fs.readFileSync(path.join(goldenPath, f), 'utf8');
    const field = (key: string) =>
      new RegExp(`^  ${key}: (.+)$`, 'm').exec(text)?.[1].trim() ?? '';
    return { name: field('name'), title: field('title') };
  });

async function openTemplate(page: Page, title: string) {
  await signInAsGuest(page);
  await page.goto('/create');
  // The template's card: the innermost card with its title (the list
  // itself may sit in a card), then its Choose button.
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: title })
    .filter({ has: page.getByTestId('template-card-actions--create') })
    .last();
  await expect(card).toBeVisible({ timeout: 60_000 });
  await card.getByRole('button', { name: /choose/i }).click();
  await expect(page.getByText(title).first()).toBeVisible();
  await expect(page.getByLabel(/^Name/).first()).toBeVisible();
}

/** The first page's fields other than the name. */
async function fillTheRest(page: Page) {
  await page
    .getByLabel(/^Description/)
    .first()
    .fill('Rewards points granted for purchases at partner merchants');
  const owner = page.getByLabel(/^Owning team/).first();
  await owner.click();
  await owner.fill('Product');
  await page
    .getByRole('option', { name: /Product Team/ })
    .first()
    .click();
}

test.describe('golden path', () => {
  test.beforeAll(() => {
    fs.mkdirSync(scaffoldedDir, { recursive: true });
  });

  test('the form explains a bad name before anything runs', async ({
    page,
  }) => {
    await openTemplate(page, templates[0].title);
    await expectAccessible(
      page,
      [A11Y_SCOPES.serviceNamePicker],
      'the golden-path name field',
    );
    await fillTheRest(page);
    await page.getByLabel(/^Name/).first().fill('Rewards_Service');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByText(/must match pattern/).first()).toBeVisible();
    expect(fs.readdirSync(scaffoldedDir)).not.toContain('Rewards_Service');

    // A name the catalog already has is refused by the form itself.
    await page.getByLabel(/^Name/).first().fill('svc-ledger');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(
      page.getByText(/component:default\/svc-ledger already exists/).first(),
    ).toBeVisible();
    await page.screenshot({ path: 'test-results/golden-path-taken-name.png' });
    // The field in its error state: still legible.
    await expectAccessible(
      page,
      [A11Y_SCOPES.serviceNamePicker],
      'the golden-path name field, refusing a taken name',
    );
  });

  for (const template of templates) {
    const name = `svc-e2e-${template.name.replace(/^svc-/, '')}-${run}`;
    test(`a developer creates a service from ${template.name} and reaches its page`, async ({
      page,
    }) => {
      test.setTimeout(180_000);
      await openTemplate(page, template.title);
      await page.getByLabel(/^Name/).first().fill(name);
      await fillTheRest(page);
      await page.getByRole('button', { name: 'Next' }).click();

      // What it does: defaults (tables, jobs, gateway, events) plus a topic.
      await page
        .getByLabel(/^Kafka topic/)
        .first()
        .fill('rewards.points-granted.v1');
      await page.getByRole('button', { name: 'Next' }).click();
      // SLOs: the seed's defaults.
      await expect(
        page.getByLabel(/Availability objective/).first(),
      ).toHaveValue('99.9');
      await page.getByRole('button', { name: 'Review' }).click();
      await expect(page.getByText(name).first()).toBeVisible();
      await page.screenshot({
        path: `test-results/golden-path-${template.name}-review.png`,
      });
      await page.getByRole('button', { name: 'Create' }).click();

      const entityLink = page.getByRole('link', {
        name: 'Open in the catalog',
      });
      await expect(entityLink).toBeVisible({ timeout: 120_000 });
      await page.screenshot({
        path: `test-results/golden-path-${template.name}-done.png`,
      });
      expect(fs.existsSync(`${scaffoldedDir}/${name}/catalog-info.yaml`)).toBe(
        true,
      );

      // The task completes only once the catalog serves the entity
      // (catalog:entity:wait-for), so the link opens the service itself at
      // once: its own description, not a heading "Entity not found" shares.
      await entityLink.click();
      await expect(
        page.getByText('Rewards points granted for purchases').first(),
      ).toBeVisible({ timeout: 15_000 });
      await expect(page.getByText(/Entity not found/)).toHaveCount(0);
      // Wired to the portal's features from the start: its dead letters
      // (BullMQ or Dramatiq; none yet) and its SLOs have their cards.
      await expect(
        infoCard(page, 'Dead letters').getByText('No dead letters'),
      ).toBeVisible();
      await expect(infoCard(page, 'SLOs')).toBeVisible();
      await page.screenshot({
        path: `test-results/golden-path-${template.name}-entity.png`,
      });
    });
  }
});
