import {
  APIRequestContext,
  expect,
  Locator,
  Page,
  TestInfo,
} from '@playwright/test';
import fs from 'node:fs';

/** Signs in as the guest (with the sign-in page's button where there is one). */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  // The development config signs the guest in at once
  // (localPlus.signIn.autoGuest); the production one shows the button.
  const home = page.getByRole('heading', { name: "My team's services" });
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(home.or(enter)).toBeVisible();
  if (await enter.isVisible()) await enter.click();
  // The home page's own content, which no error page shows.
  await expect(home).toBeVisible();
}

/**
 * Where our own components are, for axe: each page and card our plugins
 * render carries one of these hooks (a `data-testid` on its root), so the
 * check covers our components and not Backstage's app frame (sidebar, page
 * and entity headers), which is Backstage's to fix.
 */
export const A11Y_SCOPES = {
  /** The home page's content (packages/app/src/modules/home). */
  home: '[data-testid="home-page"]',
  /** The SLO board's content (plugins/slo). */
  sloBoard: '[data-testid="slo-board"]',
  /** The SLO card on an entity's overview. */
  sloCard: '[data-testid="slo-card"]',
  /** The SLO tab of an entity. */
  sloTab: '[data-testid="slo-tab"]',
  /** The On call page's content (plugins/runbooks). */
  onCall: '[data-testid="on-call-page"]',
  /** The Runbooks card on an entity's overview. */
  runbooksCard: '[data-testid="runbooks-card"]',
  /** The Runbooks tab of an entity. */
  runbooksTab: '[data-testid="runbooks-tab"]',
  /** The Dead letters card on an entity's overview (plugins/dlq). */
  deadLettersCard: '[data-testid="dead-letters-card"]',
  /** The Dead letters tab of an entity. */
  deadLettersTab: '[data-testid="dead-letters-tab"]',
  /** The data ownership page's content (plugins/data-ownership). */
  dataOwnership: '[data-testid="data-ownership-page"]',
  /** The Data card of a service. */
  dataCard: '[data-testid="data-card"]',
  /** The Columns card of a table. */
  columnsCard: '[data-testid="columns-card"]',
  /** The Topic card of a Kafka topic. */
  topicCard: '[data-testid="topic-card"]',
  /** The compliance page's content (plugins/kyverno). */
  compliancePage: '[data-testid="compliance-page"]',
  /** The Policy reports card on an entity's overview. */
  kyvernoCard: '[data-testid="kyverno-card"]',
  /** The Policies tab of an entity. */
  kyvernoTab: '[data-testid="kyverno-tab"]',
  /** The Scorecards page's content (plugins/scorecards). */
  scorecardsPage: '[data-testid="scorecards-page"]',
  /** The Production readiness card on a service's overview. */
  scorecardCard: '[data-testid="scorecard-card"]',
  /** The Scorecard tab of a service. */
  scorecardTab: '[data-testid="scorecard-tab"]',
  /** The Template upgrades page's content (plugins/template-upgrades). */
  templateUpgradesPage: '[data-testid="template-upgrades-page"]',
  /** The Golden path card on a generated service's overview. */
  templateCard: '[data-testid="template-card"]',
  /** The Upgrade tab of a generated service. */
  upgradeTab: '[data-testid="upgrade-tab"]',
  /** The golden-path form's name field (packages/app/src/modules/goldenPath). */
  serviceNamePicker: '[data-testid="service-name-picker"]',
} as const;

type AxeViolation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
};

/**
 * The serious and critical accessibility violations axe-core finds inside
 * `include` (CSS selectors of our own components, see A11Y_SCOPES), as
 * readable lines. Every selector must match on the page: a scope that is
 * missing fails here, naming it, rather than being checked by nobody. axe
 * is evaluated in the page rather than added as a script tag, which the
 * portal's CSP would refuse.
 */
export async function seriousA11yViolations(
  page: Page,
  include: string[],
): Promise<string[]> {
  expect(include.length, 'name at least one scope to check').toBeGreaterThan(0);
  for (const selector of include) {
    await expect(
      page.locator(selector).first(),
      `accessibility scope ${selector} is not on ${page.url()}: the component it names must render it (A11Y_SCOPES in e2e-tests/helpers.ts)`,
    ).toBeVisible();
  }
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.evaluate(
      fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'),
    );
  }
  const violations: AxeViolation[] = await page.evaluate(async selectors => {
    const axe = (window as any).axe;
    const result = await axe.run(
      { include: selectors.map(s => [s]) },
      { resultTypes: ['violations'] },
    );
    return result.violations;
  }, include);
  return violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id} (${v.impact}: ${v.help}): ${v.nodes
          .map(
            n =>
              `${n.target.join(' ')}${
                n.failureSummary
                  ? ` [${n.failureSummary.replace(/\s+/g, ' ').trim()}]`
                  : ''
              }`,
          )
          .join('; ')}`,
    );
}

/**
 * Fails the test on any serious or critical accessibility violation inside
 * these scopes (see seriousA11yViolations), listing them.
 */
export async function expectAccessible(
  page: Page,
  include: string[],
  what = page.url(),
) {
  // Axe computes contrast from what is painted: a dialog or card that is
  // still fading in (MUI transitions) has blended colours for a few hundred
  // ms, longer on a busy CI machine. Let running transitions finish, and
  // poll briefly: a real violation stays and still fails.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        // Spinners run forever: wait only for transitions that end.
        .filter(a => Number.isFinite(a.effect?.getComputedTiming().endTime))
        .map(a => a.finished.catch(() => undefined)),
    ),
  );
  await expect
    .poll(() => seriousA11yViolations(page, include), {
      message: `serious or critical accessibility violations on ${what}`,
      timeout: 5_000,
    })
    .toEqual([]);
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

/** A full-page screenshot of what the test saw, attached to its report. */
export async function attachScreenshot(
  page: Page,
  testInfo: TestInfo,
  name: string,
): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}
