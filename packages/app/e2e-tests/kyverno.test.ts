import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import {
  A11Y_SCOPES,
  apiGet,
  expectAccessible,
  guestToken,
  infoCard,
  signInAsGuest,
  waitForEntity,
} from './helpers';

// The e2e backend's cluster `local` is the local Kubernetes API of the test
// services (scripts/local-kube-api, fixtures/local): the seed's workloads
// and their Kyverno reports. svc-ledger's Deployment and three Pods run an
// unsigned image (require-image-signature, critical); svc-notification's
// writable root is excepted; platform-observability's workloads lack labels.
// The backend snapshots right after start-up (kyverno.schedule in
// app-config.e2e.yaml).

/** RFC 4180: quoted fields, "" for a quote, line breaks inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** Waits for a snapshot of this backend: what the pages show is read from it. */
async function waitForSnapshot(
  request: Parameters<typeof guestToken>[0],
  token: string,
) {
  await expect
    .poll(
      async () => {
        const res = await apiGet(request, '/api/kyverno/snapshots', token);
        if (!res.ok()) return `HTTP ${res.status()}`;
        const { snapshots } = await res.json();
        const latest = snapshots[0];
        // The backend snapshots every minute: an older one is from an
        // earlier run on the same database.
        if (!latest || Date.now() - Date.parse(latest.takenAt) > 90_000) {
          return 'no snapshot of this run yet';
        }
        return latest.clusters?.[0]?.ok ?? 'no cluster';
      },
      { timeout: 90_000, message: 'the first Kyverno snapshot' },
    )
    .toBe(true);
}

test.describe('Kyverno policy reports', () => {
  test.beforeAll(async ({ request }) => {
    const token = await guestToken(request);
    await waitForEntity(request, token, 'component:default/svc-ledger');
    await waitForSnapshot(request, token);
  });

  test('the policy-report API refuses a caller without credentials', async ({
    request,
  }) => {
    const res = await apiGet(request, '/api/kyverno/compliance', null);
    expect(res.status()).toBe(401);
  });

  test("a developer opens svc-ledger's policy tab and sees the unsigned image, with how to fix it", async ({
    page,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/svc-ledger');

    const card = infoCard(page, 'Policy reports');
    await expect(card).toContainText('4 failing results');
    await expectAccessible(
      page,
      [A11Y_SCOPES.kyvernoCard],
      "svc-ledger's Policy reports card",
    );
    await card.getByRole('link', { name: 'Findings and exceptions' }).click();
    await expect(page).toHaveURL(/component\/svc-ledger\/policies/);

    const findings = page.getByRole('table', {
      name: 'Findings of policy require-image-signature',
    });
    await expect(findings.getByRole('row')).toHaveCount(5); // header + 4
    await expect(findings).toContainText('Deployment svc-ledger/svc-ledger');
    await expect(findings).toContainText('no signatures found');
    await expect(findings).toContainText('open for less than a day');
    const fix = page.getByRole('link', {
      name: /^How to fix .*signed/i,
    });
    await expect(fix).toHaveAttribute(
      'href',
      '/docs/default/component/docs/compliance/kyverno-policies/#require-image-signature',
    );
    await expectAccessible(
      page,
      [A11Y_SCOPES.kyvernoTab],
      "svc-ledger's Policies tab",
    );
    const shot = testInfo.outputPath('svc-ledger-policies.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('svc-ledger-policies', {
      path: shot,
      contentType: 'image/png',
    });
  });

  test('a compliance reviewer filters PCI-DSS, sees the trend and exports the snapshot as CSV', async ({
    page,
    request,
  }, testInfo) => {
    await signInAsGuest(page);
    await page.goto('/compliance');
    await expect(
      page.getByRole('table', { name: 'Controls of SOC2' }),
    ).toBeVisible();

    // Standard: PCI-DSS, from the filter menu.
    await page.getByRole('button', { name: /Standard/ }).click();
    await page.getByRole('option', { name: /^PCI-DSS/ }).click();
    await expect(page).toHaveURL(/standard=PCI-DSS/);
    const controls = page.getByRole('table', { name: 'Controls of PCI-DSS' });
    await expect(controls).toBeVisible();
    await expect(
      page.getByRole('table', { name: 'Controls of SOC2' }),
    ).toHaveCount(0);
    await expect(controls.getByRole('row', { name: /6\.5\.1/ })).toContainText(
      /failing/i,
    );
    await expect(controls.getByRole('row', { name: /10\.2\.1/ })).toContainText(
      /no enforcing policy/i,
    );
    const findings = page.getByRole('table', { name: 'Policy findings' });
    await expect(findings.getByRole('row').nth(1)).toContainText(
      'require-image-signature',
    );
    await expect(
      page.getByRole('img', { name: /Chart of failing, erroring/ }),
    ).toBeVisible();
    await expectAccessible(
      page,
      [A11Y_SCOPES.compliancePage],
      'the compliance page, PCI-DSS',
    );
    const shot = testInfo.outputPath('compliance-pci-dss.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('compliance-pci-dss', {
      path: shot,
      contentType: 'image/png',
    });

    // Export the current snapshot, filtered to PCI-DSS, as CSV.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(
      /^kyverno-evidence-snapshot-\d+\.csv$/,
    );
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual([
      'cluster',
      'report',
      'policy',
      'rule',
      'result',
      'outcome',
      'exception',
      'severity',
      'category',
      'resource_api_version',
      'resource_kind',
      'resource_namespace',
      'resource_name',
      'message',
      'first_seen',
      'snapshot_id',
      'snapshot_time',
      'policy_digest',
    ]);
    // Every row evidences PCI-DSS: no require-labels or require-probes.
    expect(new Set(rows.map(r => r[2]))).not.toContain('require-labels');
    expect(new Set(rows.map(r => r[2]))).not.toContain('require-probes');
    const unsigned = rows.filter(
      r =>
        r[2] === 'require-image-signature' &&
        r[5] === 'fail' &&
        r[10] === 'Deployment',
    );
    expect(unsigned).toHaveLength(1);
    expect(unsigned[0].slice(0, 1)).toEqual(['local']);
    expect(unsigned[0][7]).toBe('critical');
    expect(unsigned[0][11]).toBe('svc-ledger');
    expect(unsigned[0][17]).toMatch(/^[0-9a-f]{64}$/);
    // The same rows the API gives for the same snapshot and filter.
    const token = await guestToken(request);
    const snapshotId = unsigned[0][15];
    const json = await apiGet(
      request,
      `/api/kyverno/export?format=json&snapshot=${snapshotId}&standard=PCI-DSS`,
      token,
    );
    expect(json.status()).toBe(200);
    expect((await json.json()).rows).toHaveLength(rows.length);
  });
});
