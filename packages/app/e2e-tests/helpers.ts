import { APIRequestContext, expect, Locator, Page } from '@playwright/test';

/** Signs in through the sign-in page with the guest button. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  await expect(
    page.getByText('Local-Plus Developer Portal').first(),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('heading', { name: 'Local-Plus Catalog' }),
  ).toBeVisible();
}

/** A Backstage token for the guest user, as the frontend gets one. */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const res = await request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(res.status()).toBe(200);
  const body = await res.json();
  return body.backstageIdentity.token;
}

/** GET an API path as the guest (or anonymously with `token: null`). */
export async function apiGet(
  request: APIRequestContext,
  path: string,
  token: string | null,
) {
  return request.get(path, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

/** Waits until the catalog has ingested an entity (first start-up). */
export async function waitForEntity(
  request: APIRequestContext,
  token: string,
  ref: string,
) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  const path = `/api/catalog/entities/by-name/${kind}/${namespace}/${name}`;
  await expect
    .poll(async () => (await apiGet(request, path, token)).status(), {
      timeout: 60_000,
      intervals: [1_000],
    })
    .toBe(200);
}

/**
 * The card of an entity page with this title: the nearest element around
 * the title whose class names it a card (Material UI or Backstage UI).
 */
export function card(page: Page, title: string): Locator {
  return page
    .getByRole('heading', { name: title, exact: true })
    .first()
    .locator(
      `xpath=ancestor::*[contains(concat(' ', @class, ' '), ' bui-Card ') or contains(concat(' ', @class, ' '), ' MuiCard-root ')][1]`,
    );
}

/**
 * A card whose title is plain text rather than a heading (core-components'
 * InfoCard): the card element that contains exactly this title.
 */
export function infoCard(page: Page, title: string): Locator {
  return page
    .locator('.MuiCard-root, .bui-Card')
    .filter({ has: page.getByText(title, { exact: true }) })
    .last();
}
