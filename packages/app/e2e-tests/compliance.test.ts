import { expect, test } from '@playwright/test';
import { guestToken, signInAsGuest, waitForEntity } from './helpers';

test('a compliance reviewer opens the GDPR retention policy from the docs home', async ({
  page,
  request,
}) => {
  await waitForEntity(
    request,
    await guestToken(request),
    'component:default/docs',
  );
  await signInAsGuest(page);
  await page.goto('/docs/default/component/docs/compliance/');
  // The first visit builds the site with mkdocs and mkdocs-techdocs-core on the backend.
  await expect(page.getByRole('heading', { name: /GDPR/ }).first()).toBeVisible(
    {
      timeout: 60_000,
    },
  );
  // The link in the page's text, not the folded one of the navigation.
  await page
    .locator('.md-content')
    .getByRole('link', { name: /data retention/i })
    .first()
    .click();
  await expect(page).toHaveURL(/compliance\/gdpr\/data-retention-policy/);
  await expect(page.getByText(/30 days/).first()).toBeVisible();
});
