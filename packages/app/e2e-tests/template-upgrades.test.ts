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
// What the newest release's notes say first in code (the card shows it), so
// the journey follows the changelog from one release to the next.
const currentNotes = changelog.split(/^## /m)[1];
const firstCodeSpan = /`([^`]+)`/.exec(currentNotes)?.[1] ?? '';
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
    request,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/svc-upgrade-demo');

    const card = infoCard(page, 'Golden path');
    await expect(card).toContainText(`Release ${previous} of svc-typescript`);
    await expect(card).toContainText(`1 release behind (${current})`);
    expect(firstCodeSpan).not.toBe('');
    await expect(card).toContainText(firstCodeSpan);
    await expectAccessible(
      page,
      [A11Y_SCOPES.templateCard],
      "svc-upgrade-demo's Golden path card",
    );

    await card.getByRole('link', { name: /see the upgrade/i }).click();
    await expect(page).toHaveURL(/component\/svc-upgrade-demo\/upgrade/);
    const tab = page.getByTestId('upgrade-tab');
    await expect(tab).toContainText(`From ${previous} to ${current}`);
    // The proposal the tab shows, as the API gives it: a file only the
    // template changed, with its diff; the team's README.
    const proposal: {
      files: { path: string; change: string; diff: string }[];
    } = await (
      await apiGet(
        request,
        '/api/template-upgrades/entities/component/default/svc-upgrade-demo/proposal',
        await guestToken(request),
      )
    ).json();
    // A line the release adds that the service's main branch has nowhere.
    const newLine = (file: { path: string; diff: string }) => {
      const before = git('show', `main:${file.path}`);
      return file.diff
        .split('\n')
        .filter(l => l.startsWith('+') && !l.startsWith('+++'))
        .map(l => l.slice(1))
        .find(l => l.trim().length >= 12 && !before.includes(l.trim()));
    };
    const templateFile = proposal.files.find(
      f => f.change === 'template' && newLine(f),
    );
    expect(templateFile, 'a file only the template changes').toBeDefined();
    const added = newLine(templateFile!)!;
    await expect(
      page.getByRole('region', { name: templateFile!.path, exact: true }),
    ).toContainText('Template');
    await expect(
      page.getByRole('region', { name: `Diff of ${templateFile!.path}` }),
    ).toContainText(`+${added}`);
    // The team's README change is never lost: kept as it is (no diff), or
    // merged with the template's own change to the file.
    const readmeChange = proposal.files.find(f => f.path === 'README.md');
    expect(['kept', 'merged']).toContain(readmeChange?.change);
    const readme = page.getByRole('region', { name: 'README.md', exact: true });
    if (readmeChange!.change === 'kept') {
      await expect(readme).toContainText('Kept');
      await expect(
        page.getByRole('region', { name: 'Diff of README.md' }),
      ).toHaveCount(0);
    } else {
      await expect(readme).toContainText('Merged');
      expect(readmeChange!.diff).not.toMatch(/^-## Team notes/m);
    }
    await expectAccessible(
      page,
      [A11Y_SCOPES.upgradeTab],
      "svc-upgrade-demo's Upgrade tab",
    );
    await attachScreenshot(page, testInfo, 'svc-upgrade-demo-upgrade');

    // A branch left by an earlier run goes first.
    const branch = `golden-path/upgrade-${current}`;
    const mainBefore = git('rev-parse', 'main');
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
    expect(git('show', `${branch}:${templateFile!.path}`)).toContain(
      added.trim(),
    );
    expect(git('show', `${branch}:README.md`)).toContain('## Team notes');
    expect(git('show', `${branch}:.golden-path.json`)).toContain(
      `"version": "${current}"`,
    );
    expect(git('rev-parse', 'main')).toBe(mainBefore);
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
