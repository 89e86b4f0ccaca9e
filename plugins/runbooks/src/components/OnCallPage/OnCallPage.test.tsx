import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { DlqClient, dlqApiRef } from '@internal/plugin-dlq';
import { RunbooksClient, runbooksApiRef } from '../../api/RunbooksClient';
import { OnCallPage } from './OnCallPage';

const rotation = {
  groupRef: 'group:default/on-call',
  schedule: 'Weekly, Monday 09:00',
  primary: {
    userRef: 'user:default/julien.lefevre',
    displayName: 'Julien Lefèvre',
    email: 'julien@local-plus.example',
  },
  secondary: {
    userRef: 'user:default/sofia.marchetti',
    displayName: 'Sofia Marchetti',
  },
  members: [
    { userRef: 'user:default/julien.lefevre', displayName: 'Julien Lefèvre' },
    { userRef: 'user:default/sofia.marchetti', displayName: 'Sofia Marchetti' },
  ],
};

describe('OnCallPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function render() {
    const client = new RunbooksClient({
      discoveryApi: {
        getBaseUrl: async () => 'http://backend.test/api/runbooks',
      },
      fetchApi: { fetch: (input, init) => fetch(input, init) },
    });
    const dlq = new DlqClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend.test/api/dlq' },
      fetchApi: { fetch: (input, init) => fetch(input, init) },
    });
    return renderInTestApp(
      <TestApiProvider
        apis={[
          [runbooksApiRef, client],
          [dlqApiRef, dlq],
        ]}
      >
        <OnCallPage />
      </TestApiProvider>,
    );
  }

  it('shows who is on call and each firing alert with its runbook', async () => {
    server.use(
      http.get('http://backend.test/api/runbooks/oncall', () =>
        HttpResponse.json(rotation),
      ),
      http.get('http://backend.test/api/runbooks/alerts', () =>
        HttpResponse.json({
          alerts: [
            {
              name: 'SLOErrorBudgetBurnPage',
              severity: 'critical',
              service: 'svc-ledger',
              entityRef: 'component:default/svc-ledger',
              summary: 'Budget burning 14x',
              labels: {},
              runbook: {
                entityRef: 'component:default/svc-ledger',
                id: 'slo-burn',
                title: 'SLO burn — svc-ledger',
                docsPath:
                  '/docs/default/component/svc-ledger/runbooks/slo-burn/',
                stale: false,
              },
            },
            { name: 'DiskFull', service: 'svc-x', labels: {} },
          ],
        }),
      ),
      http.get('http://backend.test/api/dlq/dead-letters', () =>
        HttpResponse.json({
          entityRef: 'component:default/svc-ledger',
          source: 'dramatiq:ledger.',
          queues: [
            { queue: 'critical', depth: 3 },
            { queue: 'high', depth: 0 },
          ],
          items: [],
          total: 3,
          limit: 1,
          payloads: 'masked',
        }),
      ),
      http.get('http://backend.test/api/dlq/backlog', () =>
        HttpResponse.json({
          entityRef: 'component:default/svc-ledger',
          source: 'dramatiq:ledger.',
          scope: 'queue',
          at: new Date().toISOString(),
          queues: [
            { queue: 'critical', waiting: 1200, inFlight: 5, delayed: 2 },
            { queue: 'high', waiting: 7, inFlight: 0, delayed: 0 },
          ],
        }),
      ),
    );
    await render();
    // The alerting service's dead letters and the backlog of their queue.
    const queues = await screen.findByRole('table', {
      name: 'Dead letters and backlog of alerting services',
    });
    const row = within(queues).getAllByRole('row')[1];
    expect(
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'svc-ledger',
      '3 page',
      'criticalscale workers: critical',
      '1200',
      '5',
      '2',
      '—',
    ]);
    expect(
      within(row).getByRole('link', { name: 'svc-ledger' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-ledger/dead-letters',
    );
    expect(
      await screen.findByRole('link', { name: 'Julien Lefèvre' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('nobody named in the on-call group'),
    ).toBeInTheDocument(); // no IC
    // Links beside text are underlined, not told apart by colour alone.
    for (const name of ['Julien Lefèvre', 'Sofia Marchetti', 'group']) {
      expect(screen.getByRole('link', { name })).toHaveClass(
        'MuiLink-underlineAlways',
      );
    }
    const runbook = await screen.findByRole('link', {
      name: 'SLO burn — svc-ledger',
    });
    expect(runbook).toHaveAttribute(
      'href',
      '/docs/default/component/svc-ledger/runbooks/slo-burn/',
    );
    expect(screen.getByText('Firing alerts (2)')).toBeInTheDocument();
    expect(screen.getByText('no runbook for this alert')).toBeInTheDocument();
  });

  it("keeps the rotation when Prometheus is down, says why in the backend's words, and tries again", async () => {
    let calls = 0;
    server.use(
      http.get('http://backend.test/api/runbooks/oncall', () =>
        HttpResponse.json(rotation),
      ),
      http.get('http://backend.test/api/runbooks/alerts', () => {
        calls += 1;
        if (calls > 1) return HttpResponse.json({ alerts: [] });
        return HttpResponse.json(
          {
            request: { method: 'GET', url: '/api/runbooks/alerts' },
            response: { statusCode: 503 },
            error: {
              name: 'ServiceUnavailableError',
              message:
                "Prometheus 'prod' did not answer within 5 s: check that it is up, or raise runbooks.prometheus.timeoutMs if it is only slow (request id 0123456789ab)",
            },
          },
          { status: 503 },
        );
      }),
    );
    await render();
    // The message is the panel's title, not hidden in its details.
    expect(
      (
        await screen.findAllByText(
          /^Error: Prometheus 'prod' did not answer within 5 s: .*\(request id 0123456789ab\)$/,
        )
      )[0],
    ).toBeVisible();
    expect(
      screen.getByRole('link', { name: 'Julien Lefèvre' }),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No alert is firing')).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it('says whose runbooks could not be read', async () => {
    server.use(
      http.get('http://backend.test/api/runbooks/oncall', () =>
        HttpResponse.json(rotation),
      ),
      http.get('http://backend.test/api/runbooks/alerts', () =>
        HttpResponse.json({
          alerts: [{ name: 'DiskFull', service: 'svc-wallet', labels: {} }],
          unavailable: [
            {
              entityRef: 'component:default/svc-wallet',
              message:
                'The docs of component:default/svc-wallet did not answer within 5 s: they are still being read; the runbooks show once they are',
            },
          ],
        }),
      ),
    );
    await render();
    expect(
      await screen.findByText(
        /Runbooks of component:default\/svc-wallet are not shown: The docs of component:default\/svc-wallet did not answer within 5 s/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Firing alerts (1)')).toBeInTheDocument();
  });
});
