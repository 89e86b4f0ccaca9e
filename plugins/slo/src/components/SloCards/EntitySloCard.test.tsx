import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { SloClient, sloApiRef } from '../../api/SloClient';
import { EntitySloCard } from './EntitySloCard';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc-ledger', namespace: 'default' },
  spec: { type: 'service' },
};
const url =
  'http://backend.test/api/slo/entities/Component/default/svc-ledger/slos';

const ledgerSlo = {
  service: 'svc-ledger',
  slo: 'requests-availability',
  objective: 0.999,
  windowDays: 30,
  sli: 0.9996,
  errorBudget: {
    totalRatio: 0.001,
    totalMinutes: 43.2,
    remainingRatio: 0.6,
    remainingMinutes: 25.92,
  },
  burnRates: { '5m': 30, '1h': 20, '6h': 2 },
  alert: 'page',
  hoursToExhaustion: 21.6,
  entityRef: 'component:default/svc-ledger',
};

describe('EntitySloCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const render = (variant?: 'page') => {
    const client = new SloClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend.test/api/slo' },
      fetchApi: { fetch: (input, init) => fetch(input, init) },
    });
    return renderInTestApp(
      <TestApiProvider apis={[[sloApiRef, client]]}>
        <EntityProvider entity={entity}>
          <EntitySloCard variant={variant} />
        </EntityProvider>
      </TestApiProvider>,
    );
  };

  it('shows the budget left, the alert state and the time to exhaustion', async () => {
    server.use(
      http.get(url, () =>
        HttpResponse.json({ slos: [ledgerSlo], errors: [], queries: 2 }),
      ),
    );
    await render('page');
    expect(await screen.findByText('60.0%')).toBeInTheDocument();
    expect(screen.getByText('25.9 min of 43.2 min')).toBeInTheDocument();
    expect(screen.getByText('page')).toBeInTheDocument();
    expect(screen.getByText('21.6 h')).toBeInTheDocument();
    expect(screen.getByText('20.00×')).toBeInTheDocument(); // burn 1h, on the tab
  });

  it('explains how to add an SLO when the service has none', async () => {
    server.use(
      http.get(url, () =>
        HttpResponse.json({ slos: [], errors: [], queries: 2 }),
      ),
    );
    await render();
    expect(
      await screen.findByText('This service has no SLO yet'),
    ).toBeInTheDocument();
  });

  it('shows a clear error when Prometheus is down, on this card only', async () => {
    server.use(
      http.get(url, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ServiceUnavailableError',
              message:
                'Prometheus at http://prom:9090 did not answer within 5000 ms',
            },
          },
          { status: 503 },
        ),
      ),
    );
    await render();
    expect(
      await screen.findByText(/did not answer within 5000 ms/),
    ).toBeInTheDocument();
  });
});
