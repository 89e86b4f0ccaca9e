import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  renderCompliancePage,
  serveKyverno,
} from '../__testUtils__/compliance';
import {
  complianceReport,
  counts,
  DB_DOWN,
  errorBody,
} from '../__testUtils__/testData';

const DAY = 86_400_000;

/** Opens a filter's menu, picks options, closes the menu. */
async function choose(label: RegExp, ...options: string[]) {
  await userEvent.click(screen.getByRole('button', { name: label }));
  const listbox = await screen.findByRole('listbox');
  for (const option of options) {
    await userEvent.click(
      within(listbox).getByRole('option', { name: option }),
    );
  }
  if (screen.queryByRole('listbox')) await userEvent.keyboard('{Escape}');
  await waitFor(() =>
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument(),
  );
}

const rows = (name: string) =>
  within(screen.getByRole('table', { name }))
    .getAllByRole('row')
    .slice(1)
    .map(r =>
      within(r)
        .getAllByRole('cell')
        .map(c => c.textContent),
    );

describe('CompliancePage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('sends the filters of a shared link to the backend, for the report and the trend', async () => {
    const asked = serveKyverno(server);
    await renderCompliancePage(
      '/compliance?standard=PCI-DSS&control=2.2.5&severity=critical,high&policy=require-run-as-non-root&outcome=fail,excepted&system=system:default/loyalty&owner=group:default/product-team&namespace=svc-ledger&cluster=prod-eu',
    );
    await screen.findByRole('table', { name: 'Policy findings' });

    const q = asked.compliance[0].searchParams;
    expect(Object.fromEntries(q)).toEqual({
      standard: 'PCI-DSS',
      control: '2.2.5',
      severity: 'critical,high',
      policy: 'require-run-as-non-root',
      outcome: 'fail,excepted',
      system: 'system:default/loyalty',
      owner: 'group:default/product-team',
      namespace: 'svc-ledger',
      cluster: 'prod-eu',
      limit: '500',
    });
    await waitFor(() => expect(asked.trend).toHaveLength(1));
    const t = asked.trend[0].searchParams;
    expect(t.get('severity')).toBe('critical,high');
    expect(t.get('owner')).toBe('group:default/product-team');
    expect(t.get('control')).toBe('2.2.5');
    // The last 30 days by default.
    expect(Date.parse(t.get('to')!) - Date.parse(t.get('from')!)).toBe(
      30 * DAY,
    );

    // The menus show what the link chose.
    expect(
      screen.getByRole('button', { name: /^Severity critical, high/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /^Team product-team/ }),
    ).toBeInTheDocument();
    expect(screen.getByText('Control PCI-DSS:2.2.5')).toBeInTheDocument();
  });

  it('puts the chosen filters in the address and asks the backend again', async () => {
    const asked = serveKyverno(server);
    const { location } = await renderCompliancePage();
    await screen.findByRole('table', { name: 'Policy findings' });
    expect(asked.compliance[0].search).toBe('?limit=500');

    await choose(/^Severity/, 'critical', 'high');
    await waitFor(() =>
      expect(asked.compliance.at(-1)?.searchParams.get('severity')).toBe(
        'critical,high',
      ),
    );
    await choose(/^Cluster/, 'prod-eu');
    await waitFor(() =>
      expect(asked.compliance.at(-1)?.searchParams.get('cluster')).toBe(
        'prod-eu',
      ),
    );
    await choose(/^Team/, 'product-team');
    await waitFor(() =>
      expect(asked.compliance.at(-1)?.searchParams.get('owner')).toBe(
        'group:default/product-team',
      ),
    );
    expect(asked.compliance.at(-1)?.searchParams.get('severity')).toBe(
      'critical,high',
    );

    const address = new URLSearchParams(location().search);
    expect(location().pathname).toBe('/compliance');
    expect(Object.fromEntries(address)).toEqual({
      severity: 'critical,high',
      cluster: 'prod-eu',
      owner: 'group:default/product-team',
    });
    await waitFor(() =>
      expect(asked.trend.at(-1)?.searchParams.get('cluster')).toBe('prod-eu'),
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await waitFor(() => expect(location().search).toBe(''));
    await waitFor(() =>
      expect(asked.compliance.at(-1)?.search).toBe('?limit=500'),
    );
  });

  it('shows each standard by control, the catalogue findings, the counts by group and the findings', async () => {
    const asked = serveKyverno(server);
    await renderCompliancePage();
    await screen.findByRole('table', { name: 'Policy findings' });

    expect(screen.getByText('snapshot of 3 h ago')).toBeInTheDocument();
    expect(
      screen.getByText('Cluster prod-us could not be read'),
    ).toBeInTheDocument();

    expect(rows('Controls of PCI-DSS')).toEqual([
      [
        '2.2.5',
        'Insecure services are secured',
        'require-run-as-non-root, restrict-privileged',
        '2',
        '0',
        '0',
        '1',
        '40',
        'failing',
        'Show',
      ],
      [
        '6.3.3',
        'Components are patched',
        '—',
        '0',
        '0',
        '0',
        '0',
        '0',
        'no enforcing policy',
        '',
      ],
    ]);
    const soc2 = screen.getByRole('table', { name: 'Controls of SOC2' });
    expect(within(soc2).getByText('passing')).toBeInTheDocument();
    expect(within(soc2).getByText('no results')).toBeInTheDocument();

    const catalogue = screen.getByTestId('catalogue-findings');
    expect(
      within(catalogue).getByText(
        'Unknown policy legacy-disallow-host-path (prod-us)',
      ),
    ).toBeInTheDocument();
    expect(
      within(catalogue).getByText('Control PCI-DSS:6.3.3 has no policy'),
    ).toBeInTheDocument();

    expect(
      screen.getByRole('table', { name: 'Results by system' }),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'By namespace' }));
    expect(rows('Results by namespace')).toEqual([
      ['svc-ledger', '2', '0', '1', '0', '0', '50'],
    ]);

    const findings = rows('Policy findings');
    expect(findings).toHaveLength(4);
    expect(findings[0]).toEqual([
      'require-run-as-non-root · run-as-non-rootRunning as root is not allowed: set runAsNonRoot to true',
      'failcritical',
      'Deployment svc-ledger/svc-ledger-apicluster prod-eu',
      'svc-ledger',
      'PCI-DSS:2.2.5SOC2:CC6.8',
      'open for 12 days',
    ]);
    expect(findings[3][0]).toContain(
      'Exception svc-ledger/allow-debug-sidecar',
    );
    const table = screen.getByRole('table', { name: 'Policy findings' });
    expect(
      within(table).getAllByRole('link', { name: 'svc-ledger' })[0],
    ).toHaveAttribute('href', '/catalog/default/component/svc-ledger');

    // A control's findings, from its row.
    await userEvent.click(
      screen.getByRole('button', { name: 'Show findings of PCI-DSS 2.2.5' }),
    );
    await waitFor(() =>
      expect(Object.fromEntries(asked.compliance.at(-1)!.searchParams)).toEqual(
        { standard: 'PCI-DSS', control: '2.2.5', limit: '500' },
      ),
    );
  });

  it('draws the trend with a text summary, and changes its range', async () => {
    const asked = serveKyverno(server, {
      trend: {
        points: [
          {
            takenAt: '2025-03-01T06:00:00Z',
            snapshotId: 40,
            counts: counts({ fail: 5, warn: 2, excepted: 1 }),
          },
          {
            takenAt: '2025-03-02T06:00:00Z',
            snapshotId: 41,
            counts: counts({ fail: 7, warn: 2, excepted: 1 }),
          },
          {
            takenAt: '2025-03-03T06:00:00Z',
            snapshotId: 42,
            counts: counts({ fail: 2, warn: 1, excepted: 1 }),
          },
        ],
      },
    });
    const { location } = await renderCompliancePage();
    expect(
      await screen.findByText(
        'Between 1 Mar 2025 and 3 Mar 2025 (3 snapshots): fail 5 → 2 (peak 7), error 0 → 0, warn 2 → 1, excepted 1 → 1.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Chart of failing, erroring, warning and excepted results per snapshot, last 30 days',
      }),
    ).toHaveAccessibleDescription(/^Between 1 Mar 2025/);

    await userEvent.click(screen.getByRole('button', { name: /^Range/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Last 7 days' }),
    );
    await waitFor(() => expect(asked.trend).toHaveLength(2));
    const t = asked.trend[1].searchParams;
    expect(Date.parse(t.get('to')!) - Date.parse(t.get('from')!)).toBe(7 * DAY);
    expect(new URLSearchParams(location().search).get('days')).toBe('7');
  });

  it('says when no result matches the filters', async () => {
    serveKyverno(server, {
      compliance: () =>
        complianceReport({
          totals: counts(),
          findings: [],
          totalFindings: 0,
          standards: [],
          catalogueFindings: [],
        }),
    });
    await renderCompliancePage('/compliance?namespace=svc-wallet');
    expect(
      await screen.findByText('No result matches these filters'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Nothing matches namespace svc-wallet. Clear a filter to see more.',
      ),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when it fails, with the filters still usable, and tries again", async () => {
    let down = true;
    serveKyverno(server, {
      compliance: () =>
        down
          ? HttpResponse.json(
              errorBody(503, 'ServiceUnavailableError', DB_DOWN),
              { status: 503 },
            )
          : complianceReport(),
    });
    await renderCompliancePage();
    expect(
      await screen.findByText('Policy reports cannot be read right now'),
    ).toBeInTheDocument();
    expect(screen.getByText(DB_DOWN)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Severity/ })).toBeEnabled();

    down = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('table', { name: 'Policy findings' }),
    ).toBeInTheDocument();
  });
});
