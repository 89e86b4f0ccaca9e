import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { SloClient, sloApiRef } from '../../api/SloClient';
import { ledgerAvailability, ledgerLatency, prometheusDown } from '../testData';
import { EntitySloCard } from './EntitySloCard';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc-ledger', namespace: 'default' },
  spec: { type: 'service' },
};
const url =
  'http://backend.test/api/slo/entities/Component/default/svc-ledger/slos';

describe('EntitySloCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const render = () => {
    const client = new SloClient({
      discoveryApi: {
        getBaseUrl: async id => `http://backend.test/api/${id}`,
      },
      fetchApi: { fetch: (input, init) => fetch(input, init) },
    });
    return renderInTestApp(
      <TestApiProvider apis={[[sloApiRef, client]]}>
        <EntityProvider entity={entity}>
          <EntitySloCard />
        </EntityProvider>
      </TestApiProvider>,
    );
  };

  it('shows progress while loading', async () => {
    server.use(
      http.get(url, async () => {
        await new Promise(r => setTimeout(r, 1000));
        return HttpResponse.json({
          slos: [],
          errors: [],
          specProblems: [],
          queries: 2,
        });
      }),
    );
    await render();
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the budget left, the alert state and the time to exhaustion', async () => {
    server.use(
      http.get(url, () =>
        HttpResponse.json({
          slos: [ledgerAvailability, ledgerLatency],
          errors: [],
          specProblems: [],
          queries: 3,
        }),
      ),
    );
    await render();
    expect(await screen.findByText('60.0%')).toBeInTheDocument();
    expect(screen.getByText('25.9 min of 43.2 min')).toBeInTheDocument();
    expect(screen.getByText('page')).toBeInTheDocument();
    expect(screen.getByText('21.6 h')).toBeInTheDocument();
    expect(screen.getByLabelText('budget left 60.0%')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Earn and Burn API requests answered without a server error.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('latency-p99')).toBeInTheDocument();
    expect(screen.getByText('50.0 days')).toBeInTheDocument();
  });

  it('explains how to add an SLO when the service has none', async () => {
    server.use(
      http.get(url, () =>
        HttpResponse.json({
          slos: [],
          errors: [],
          specProblems: [],
          queries: 2,
        }),
      ),
    );
    await render();
    expect(
      await screen.findByText('This service has no SLO yet'),
    ).toBeInTheDocument();
    // The annotation to add and a spec to start from, ready to copy.
    await waitFor(() =>
      expect(
        [...document.querySelectorAll('code')].map(c => c.textContent),
      ).toEqual([
        expect.stringContaining('local-plus.io/slo-spec: ./slo/sloth.yaml'),
        expect.stringContaining('kind: PrometheusServiceLevel'),
      ]),
    );
  });

  it('shows a clear error when Prometheus is down, and tries again', async () => {
    let calls = 0;
    server.use(
      http.get(url, () => {
        calls += 1;
        return calls > 1
          ? HttpResponse.json({
              slos: [ledgerLatency],
              errors: [],
              specProblems: [],
              queries: 2,
            })
          : HttpResponse.json(prometheusDown, { status: 503 });
      }),
    );
    await render();
    // The backend's words are the panel's title (repeated in its details),
    // with the request id to give to whoever reads the logs.
    expect(
      (
        await screen.findAllByText(
          /^Error: Prometheus 'prod' did not answer within 5 s: .*\(request id 0123456789ab\)$/,
        )
      )[0],
    ).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('latency-p99')).toBeInTheDocument();
  });

  it('names the file and field of a malformed spec, and still lists the other SLOs', async () => {
    server.use(
      http.get(url, () =>
        HttpResponse.json({
          slos: [ledgerLatency],
          errors: [
            {
              server: 'eu-west-1b',
              message:
                "Prometheus 'eu-west-1b' refused the connection (is it running?): check slo.prometheus[1].baseUrl in the portal config",
            },
          ],
          specProblems: [
            {
              entityRef: 'component:default/svc-ledger',
              file: 'slo/sloth.yaml',
              message:
                'slo/sloth.yaml: spec.slos[0].objective: expected a number between 0 and 100',
            },
          ],
          queries: 3,
        }),
      ),
    );
    await render();
    expect(
      await screen.findByText(
        'slo/sloth.yaml: spec.slos[0].objective: expected a number between 0 and 100',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('SLO spec slo/sloth.yaml cannot be used'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /eu-west-1b: Prometheus 'eu-west-1b' refused the connection/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('latency-p99')).toBeInTheDocument();
  });
});
