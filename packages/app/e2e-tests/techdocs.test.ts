import { expect, test } from '@playwright/test';
import { guestToken, signInAsGuest, waitForEntity } from './helpers';

test('the portal documentation is built by mkdocs and shown in TechDocs', async ({
  page,
  request,
}) => {
  await waitForEntity(
    request,
    await guestToken(request),
    'component:default/docs',
  );
  await signInAsGuest(page);
  await page.goto('/docs/default/component/docs');
  // The first visit builds the site with mkdocs and mkdocs-techdocs-core on the backend.
  // TechDocs renders in a shadow root; Playwright's locators reach into it.
  await expect(page.getByText('Who owns what.').first()).toBeVisible({
    timeout: 60_000,
  });
  // mkdocs-techdocs-core's navigation folds its sections: open one.
  await page.getByText('Developer portal', { exact: true }).first().click();
  await page
    .getByRole('link', { name: 'Roles and permissions' })
    .first()
    .click();
  await expect(
    page.getByText('A signed-in user who holds no role is refused everything.'),
  ).toBeVisible();
});
