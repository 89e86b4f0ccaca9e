import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  A11Y_SCOPES,
  attachScreenshot,
  apiGet,
  expectAccessible,
  guestToken,
  infoCard,
  signInAsGuest,
  waitForEntity,
} from './helpers';
import { baseURL, repoRoot, upgradesDir } from './productionBackend';

// svc-upgrade-demo is a repository generated from the golden path's
// previous release with a README change of its own
// (scripts/dev-upgrade-demo.cjs, made by productionBackend.ts); the
// template is at its newest release. Both versions come from the files.
// The guest is in product-team, which owns it.
const changelog = fs.readFileSync(
  path.join(repoRoot, 'templates/golden-path/CHANGELOG.md'),
  'utf8',
);
const [current, previous] = [
  ...changelog.matchAll(/^## (\d+\.\d+\.\d+)/gm),
].map(m => m[1]);
const DEMO = 'component:default/svc-upgrade-demo';
const git = (...args: string[]) =>
  execFileSync(
    'git',
    ['-C', path.join(upgradesDir, 'svc-upgrade-demo'), ...args],
    { encoding: 'utf8' },
  );

test.describe('Template upgrades', () => {
  test.beforeAll(async ({ request }) => {
    const token = await guestToken(request);
    await waitForEntity(request, token, DEMO);
  });

  test("a developer of the owning team sees the service one release behind, reads the diff that keeps the team's change, and creates the upgrade branch", async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/svc-upgrade-demo');

    const card = infoCard(page, 'Golden path');
    await expect(card).toContainText(`Release ${previous} of svc-typescript`);
    await expect(card).toContainText(`1 release behind (${current})`);
    await expect(card).toContainText('matchLabelKeys');
    await expectAccessible(
      page,
      [A11Y_SCOPES.templateCard],
      "svc-upgrade-demo's Golden path card",
    );

    await card.getByRole('link', { name: /see the upgrade/i }).click();
    await expect(page).toHaveURL(/component\/svc-upgrade-demo\/upgrade/);
    const tab = page.getByTestId('upgrade-tab');
    await expect(tab).toContainText(`From ${previous} to ${current}`);
    const deployment = page.getByRole('region', {
      name: 'k8s/base/deployment.yaml',
      exact: true,
    });
    await expect(deployment).toContainText('Template');
    await expect(
      page.getByRole('region', { name: 'Diff of k8s/base/deployment.yaml' }),
    ).toContainText('+          matchLabelKeys:');
    // The team's README change: kept, no diff.
    const readme = page.getByRole('region', { name: 'README.md', exact: true });
    await expect(readme).toContainText('Kept');
    await expect(
      page.getByRole('region', { name: 'Diff of README.md' }),
    ).toHaveCount(0);
    await expectAccessible(
      page,
      [A11Y_SCOPES.upgradeTab],
      "svc-upgrade-demo's Upgrade tab",
    );
    await attachScreenshot(page, testInfo, 'svc-upgrade-demo-upgrade');

    // A branch left by an earlier run goes first.
    const branch = `golden-path/upgrade-${current}`;
    if (git('branch', '--list', branch).trim()) git('branch', '-D', branch);
    await page
      .getByRole('button', { name: /create the upgrade branch/i })
      .click();
    await expect(tab).toContainText(
      `Upgrade branch created: ${previous} to ${current}`,
    );
    await expect(tab).toContainText(branch);
    // In the repository: the template's change and the team's own on the
    // branch; main as it was.
    expect(git('show', `${branch}:k8s/base/deployment.yaml`)).toContain(
      'matchLabelKeys',
    );
    expect(git('show', `${branch}:README.md`)).toContain('## Team notes');
    expect(git('show', `${branch}:.golden-path.json`)).toContain(
      `"version": "${current}"`,
    );
    expect(git('show', 'main:k8s/base/deployment.yaml')).not.toContain(
      'matchLabelKeys',
    );
  });

  test('the platform team sees who is behind, and the API refuses an anonymous upgrade', async ({
    page,
    request,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/template-upgrades');
    const content = page.getByTestId('template-upgrades-page');
    await expect(content).toContainText(
      /\d+ of \d+ generated services? (is|are) behind/,
    );
    await expect(
      content.getByRole('link', { name: /svc-upgrade-demo/ }).first(),
    ).toBeVisible();
    await expectAccessible(
      page,
      [A11Y_SCOPES.templateUpgradesPage],
      'the Template upgrades page',
    );
    await attachScreenshot(page, testInfo, 'template-upgrades');

    const refused = await request.post(
      `${baseURL}/api/template-upgrades/entities/component/default/svc-upgrade-demo/upgrade`,
    );
    expect(refused.status()).toBe(401);
    const drift = await apiGet(
      request,
      '/api/template-upgrades/entities/component/default/svc-upgrade-demo/drift',
      await guestToken(request),
    );
    expect(await drift.json()).toMatchObject({
      status: 'behind',
      behind: 1,
      version: previous,
      current,
    });
  });
});
