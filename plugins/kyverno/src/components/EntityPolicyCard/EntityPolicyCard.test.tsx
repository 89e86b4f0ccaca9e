import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  counts,
  DB_DOWN,
  entityReport,
  errorResponse,
  mockKyvernoApi,
  renderOnEntity,
} from '../__testUtils__/testData';
import { EntityPolicyCard } from './EntityPolicyCard';

const render = (api: ReturnType<typeof mockKyvernoApi>) =>
  renderOnEntity(<EntityPolicyCard />, api);

/** Column header → number, of a one-row counts table. */
const countsOf = (name: string) => {
  const table = screen.getByRole('table', { name });
  const heads = [...table.querySelectorAll('thead th')].map(c => c.textContent);
  const cells = [...table.querySelectorAll('tbody tr > *')].map(
    c => c.textContent,
  );
  return Object.fromEntries(heads.slice(1).map((h, i) => [h, cells[i + 1]]));
};

describe('EntityPolicyCard', () => {
  it('shows progress while loading', async () => {
    await render(
      mockKyvernoApi({ getEntityResults: () => new Promise(() => {}) }),
    );
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('counts results by outcome and by severity, with the snapshot time and a link to the tab', async () => {
    const api = mockKyvernoApi();
    await render(api);
    expect(
      await screen.findByText('3 failing results, 1 warning'),
    ).toBeInTheDocument();
    expect(api.getEntityResults).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'svc-ledger',
    });
    expect(countsOf('Results by outcome')).toEqual({
      fail: '2',
      error: '1',
      warn: '1',
      excepted: '1',
      skip: '4',
      pass: '23',
    });
    expect(countsOf('Failing and warning results by severity')).toEqual({
      critical: '2',
      high: '0',
      medium: '1',
      low: '0',
      info: '0',
      'no severity': '1',
    });
    expect(screen.getByText('snapshot of 3 h ago')).toHaveAttribute(
      'title',
      expect.stringMatching(/^Snapshot 42, \d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
    );
    expect(
      screen.getByRole('link', { name: /Findings and exceptions/ }),
    ).toHaveAttribute('href', '/catalog/default/component/svc-ledger/policies');
  });

  it("names a cluster it could not read, and still counts the others' results", async () => {
    await render(mockKyvernoApi());
    const problem = await screen.findByText(
      'Cluster prod-us could not be read',
    );
    const alert = problem.closest('[role="alert"]') as HTMLElement;
    expect(
      within(alert).getByText(/the API server did not answer within 10 s/),
    ).toBeInTheDocument();
    expect(
      within(alert).getByText(/^Results as of .* UTC, stale\.$/),
    ).toBeInTheDocument();
    expect(screen.getByText('Read: prod-eu.')).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Results by outcome' }),
    ).toBeInTheDocument();
  });

  it("says no report mentions the service's workloads yet, and what to check", async () => {
    await render(
      mockKyvernoApi({
        getEntityResults: async () =>
          entityReport({
            counts: counts(),
            severities: {
              critical: 0,
              high: 0,
              medium: 0,
              low: 0,
              info: 0,
              none: 0,
            },
            failing: [],
            excepted: [],
            clusters: [],
          }),
      }),
    );
    expect(
      await screen.findByText(
        "No policy report mentions this service's workloads yet",
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/backstage\.io\/kubernetes-id: svc-ledger/),
    ).toBeInTheDocument();
    expect(screen.getByText(/kubectl get policyreports/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says when there is no snapshot at all yet', async () => {
    await render(
      mockKyvernoApi({
        getEntityResults: async () =>
          entityReport({ snapshot: null, clusters: [] }),
      }),
    );
    expect(
      await screen.findByText('No snapshot of the policy reports yet'),
    ).toBeInTheDocument();
    expect(screen.getByText('No snapshot yet')).toBeInTheDocument();
  });

  it("shows the backend's message when it fails, and tries again when asked", async () => {
    let down = true;
    const api = mockKyvernoApi({
      getEntityResults: async () => {
        if (down)
          throw await errorResponse(503, 'ServiceUnavailableError', DB_DOWN);
        return entityReport();
      },
    });
    await render(api);
    expect(
      await screen.findByText('Policy reports cannot be read right now'),
    ).toBeInTheDocument();
    expect(screen.getByText(DB_DOWN)).toBeInTheDocument();
    down = false;
    await userEvent.click(
      await screen.findByRole('button', { name: 'Try again' }),
    );
    expect(
      await screen.findByText('3 failing results, 1 warning'),
    ).toBeInTheDocument();
    expect(api.getEntityResults).toHaveBeenCalledTimes(2);
  });
});
