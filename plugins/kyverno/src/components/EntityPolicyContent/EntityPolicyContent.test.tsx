import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  counts,
  entityReport,
  errorResponse,
  mockKyvernoApi,
  PROD_US_DOWN,
  renderOnEntity,
} from '../__testUtils__/testData';
import { EntityPolicyContent } from './EntityPolicyContent';

const render = (api: ReturnType<typeof mockKyvernoApi>) =>
  renderOnEntity(<EntityPolicyContent />, api);

/** The rows of a table, cell by cell. */
const rows = (name: string) =>
  within(screen.getByRole('table', { name }))
    .getAllByRole('row')
    .slice(1)
    .map(r =>
      within(r)
        .getAllByRole('cell')
        .map(c => c.textContent),
    );

describe('EntityPolicyContent (the Policies tab)', () => {
  it('groups failing and warning results by policy, worst first, with controls and how to fix', async () => {
    await render(mockKyvernoApi());
    expect(
      await screen.findByRole('heading', { name: 'Require runAsNonRoot' }),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('heading', { level: 3 }).map(h => h.textContent),
    ).toEqual(['Require runAsNonRoot', 'Require resource limits']);
    expect(
      screen.getByText('3 results of 2 policies, worst first'),
    ).toBeInTheDocument();

    const root = screen.getByRole('region', { name: 'Require runAsNonRoot' });
    expect(
      within(root).getByText('require-run-as-non-root'),
    ).toBeInTheDocument();
    expect(
      within(root).getAllByText('critical')[0].closest('.MuiChip-root'),
    ).toHaveAttribute('data-severity', 'critical');
    expect(within(root).getByText('PCI-DSS:2.2.5')).toBeInTheDocument();
    expect(within(root).getByText('SOC2:CC6.8')).toBeInTheDocument();
    expect(
      within(root).getByRole('link', {
        name: 'How to fix Require runAsNonRoot',
      }),
    ).toHaveAttribute(
      'href',
      '/docs/default/component/docs/compliance/kyverno-policies/#require-run-as-non-root',
    );

    expect(rows('Findings of policy require-run-as-non-root')).toEqual([
      [
        'Deployment svc-ledger/svc-ledger-api',
        'run-as-non-root',
        'fail',
        'critical',
        'prod-eu',
        'Running as root is not allowed: set runAsNonRoot to true',
        'open for 12 days',
      ],
      [
        'Deployment svc-ledger/svc-ledger-worker',
        'run-as-non-root',
        'fail',
        'critical',
        'prod-us',
        'Running as root is not allowed: set runAsNonRoot to true',
        'open for less than a day',
      ],
    ]);
    // The date it was first seen, on hover.
    expect(screen.getByText('open for 12 days')).toHaveAttribute(
      'title',
      expect.stringMatching(/^First seen \d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
    );

    // A remediation path without its leading slash is still from the app's root.
    const limits = screen.getByRole('region', {
      name: 'Require resource limits',
    });
    expect(
      within(limits).getByRole('link', { name: /How to fix/ }),
    ).toHaveAttribute(
      'href',
      '/docs/default/component/docs/compliance/kyverno-policies/#require-resource-limits',
    );
    expect(rows('Findings of policy require-resource-limits')).toEqual([
      [
        'Job svc-ledger/svc-ledger-migrate',
        'validate-limits',
        'warn',
        'medium',
        'prod-eu',
        'CPU and memory limits are required',
        'open for 1 day',
      ],
    ]);
  });

  it('shows each excepted result with its exception, apart from skips', async () => {
    await render(mockKyvernoApi());
    const table = await screen.findByRole('table', {
      name: 'Excepted results',
    });
    expect(rows('Excepted results')).toEqual([
      [
        'restrict-privileged',
        'privileged-containers',
        'Pod svc-ledger/svc-ledger-debug',
        'prod-eu',
        'svc-ledger/allow-debug-sidecar',
        'rule skipped due to policy exception svc-ledger/allow-debug-sidecar',
        'high',
        'open for 3 days',
      ],
    ]);
    expect(
      within(table).getByRole('columnheader', { name: 'Exception' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /skipped because a PolicyException exempts the resource/,
      ),
    ).toBeInTheDocument();
  });

  it("shows a cluster's error and stale results while the other cluster's results still show", async () => {
    await render(mockKyvernoApi());
    const problem = await screen.findByText(
      'Cluster prod-us could not be read',
    );
    const alert = problem.closest('[role="alert"]') as HTMLElement;
    expect(within(alert).getByText(PROD_US_DOWN)).toBeInTheDocument();
    expect(
      within(alert).getByText(
        /^Results as of \d{4}-\d\d-\d\d \d\d:\d\d UTC, stale\.$/,
      ),
    ).toBeInTheDocument();

    const clusters = rows('Clusters');
    expect(clusters[0].slice(0, 5)).toEqual([
      'prod-eu',
      'read',
      '12',
      '140',
      '3 h ago',
    ]);
    expect(clusters[1].slice(0, 5)).toEqual([
      'prod-us',
      'could not be read',
      '0',
      '0',
      '2 days ago (stale)',
    ]);
    // prod-eu's findings are there all the same.
    expect(
      screen.getByText('Deployment svc-ledger/svc-ledger-api'),
    ).toBeInTheDocument();
  });

  it("says no report mentions the service's workloads yet, with what to check", async () => {
    await render(
      mockKyvernoApi({
        getEntityResults: async () =>
          entityReport({ counts: counts(), failing: [], excepted: [] }),
      }),
    );
    expect(
      await screen.findByText(
        "No policy report mentions this service's workloads yet",
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/kubectl get policyreports/)).toBeInTheDocument();
    // The cluster that could not be read may be why: it is named.
    expect(
      screen.getByText('Cluster prod-us could not be read'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Excepted results' }),
    ).not.toBeInTheDocument();
  });

  it('says so when nothing fails and nothing is excepted', async () => {
    await render(
      mockKyvernoApi({
        getEntityResults: async () =>
          entityReport({
            counts: counts({ pass: 12 }),
            failing: [],
            excepted: [],
          }),
      }),
    );
    expect(
      await screen.findByText(/No failing or warning result/),
    ).toBeInTheDocument();
    expect(screen.getByText(/No result is excepted/)).toBeInTheDocument();
  });

  it("shows the backend's message when it is not allowed, and tries again", async () => {
    let denied = true;
    const api = mockKyvernoApi({
      getEntityResults: async () => {
        if (denied) {
          throw await errorResponse(
            403,
            'NotAllowedError',
            'kyverno.reports.read is not granted to user:default/guest',
          );
        }
        return entityReport();
      },
    });
    await render(api);
    expect(
      await screen.findByText('You are not allowed to read policy reports'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'kyverno.reports.read is not granted to user:default/guest',
      ),
    ).toBeInTheDocument();
    denied = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('heading', { name: 'Require runAsNonRoot' }),
    ).toBeInTheDocument();
  });
});
