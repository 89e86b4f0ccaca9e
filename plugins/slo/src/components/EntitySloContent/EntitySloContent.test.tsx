import { screen, waitFor } from '@testing-library/react';
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
import { EntitySloContent } from './EntitySloContent';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-ledger',
    namespace: 'default',
    annotations: {
      'backstage.io/techdocs-ref': 'dir:./services/svc-ledger',
      'local-plus.io/dashboard-url': 'https://grafana.local-plus.io/d/ledger',
    },
    links: [
      { url: 'https://grafana.local-plus.io/d/ledger', title: 'Same one' },
      { url: 'https://tempo.local-plus.io/ledger', title: 'Traces' },
      { url: 'ftp://files.local-plus.io/ledger', title: 'Not a web link' },
    ],
  },
  spec: { type: 'service' },
};
const base = 'http://backend.test/api';
const slosUrl = `${base}/slo/entities/Component/default/svc-ledger/slos`;
const historyUrl = `${slosUrl}/history`;
const runbooksUrl = `${base}/runbooks/entities/Component/default/svc-ledger/runbooks`;

const HOUR = 3_600_000;
const t0 = Date.UTC(2025, 4, 1);
const history = {
  series: [
    {
      service: 'svc-ledger',
      slo: 'availability',
      objective: 0.999,
      windowDays: 30,
      weighting: 'events',
      points: [
        { t: t0, remainingRatio: 0.99 },
        { t: t0 + HOUR, remainingRatio: 0.9 },
        { t: t0 + 2 * HOUR, remainingRatio: 0.763 },
      ],
    },
    {
      service: 'svc-ledger',
      slo: 'latency-p99',
      objective: 0.99,
      windowDays: 30,
      weighting: 'time',
      points: [
        { t: t0, remainingRatio: 1 },
        { t: t0 + 2 * HOUR, remainingRatio: 0.5 },
      ],
    },
  ],
  errors: [],
  specProblems: [],
  queries: 2,
};
const runbooks = {
  runbooks: [
    {
      entityRef: 'component:default/svc-ledger',
      id: 'slo-burn',
      title: 'SLO burn',
      severity: 'page',
      stale: true,
      docsPath: '/docs/default/component/svc-ledger/runbooks/slo-burn/',
    },
  ],
  problems: [],
};

describe('EntitySloContent (the SLO tab)', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const render = () => {
    const client = new SloClient({
      discoveryApi: { getBaseUrl: async id => `${base}/${id}` },
      fetchApi: { fetch: (input, init) => fetch(input, init) },
    });
    return renderInTestApp(
      <TestApiProvider apis={[[sloApiRef, client]]}>
        <EntityProvider entity={entity}>
          <EntitySloContent />
        </EntityProvider>
      </TestApiProvider>,
    );
  };
  const answer = (overrides: {
    slos?: () => Response | Promise<Response>;
    history?: () => Response | Promise<Response>;
    runbooks?: () => Response | Promise<Response>;
  }) =>
    server.use(
      http.get(
        slosUrl,
        overrides.slos ??
          (() =>
            HttpResponse.json({
              slos: [ledgerAvailability, ledgerLatency],
              errors: [],
              specProblems: [],
              queries: 3,
            })),
      ),
      http.get(
        historyUrl,
        overrides.history ?? (() => HttpResponse.json(history)),
      ),
      http.get(
        runbooksUrl,
        overrides.runbooks ?? (() => HttpResponse.json(runbooks)),
      ),
    );

  it('shows the SLOs, the budget over time, burn rates, runbooks and dashboards', async () => {
    answer({});
    await render();
    expect(await screen.findByText('60.0%')).toBeInTheDocument();
    expect(
      screen.getByText(
        'spec services/svc-ledger/slo/sloth.yaml (sloth.slok.dev/v1)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText("Sloth's recording rules")).toBeInTheDocument();

    // Budget over the window: what is left now, and a line per SLO.
    expect(
      await screen.findByText(
        'availability: 76.3% left of its 30-day budget · latency-p99: 50.0% left of its 30-day budget (hours weighted equally)',
      ),
    ).toBeInTheDocument();
    const chart = screen
      .getByText('Error budget over the window')
      .closest('.MuiCard-root')!;
    await waitFor(() =>
      expect(chart.querySelectorAll('.recharts-line')).toHaveLength(2),
    );
    expect(chart.querySelector('.recharts-legend-wrapper')).toHaveTextContent(
      'availabilitylatency-p99',
    );

    // Burn rates: bars per window, and the exact numbers.
    const burns = screen
      .getByText(
        'Error budget burn rate per window (1× spends exactly the budget)',
      )
      .closest('.MuiCard-root')!;
    expect(burns.querySelectorAll('.recharts-bar')).toHaveLength(2);
    expect(burns).toHaveTextContent('20.00×');
    expect(burns).toHaveTextContent('30.00×');

    // Where to go next.
    expect(
      await screen.findByRole('link', { name: 'SLO burn' }),
    ).toHaveAttribute(
      'href',
      '/docs/default/component/svc-ledger/runbooks/slo-burn/',
    );
    expect(screen.getByText('stale')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'All runbooks in TechDocs' }),
    ).toHaveAttribute('href', '/docs/default/component/svc-ledger/runbooks/');
    expect(
      screen.getByRole('link', { name: /Service dashboard/ }),
    ).toHaveAttribute('href', 'https://grafana.local-plus.io/d/ledger');
    expect(screen.getByRole('link', { name: /Traces/ })).toBeInTheDocument();
    expect(screen.queryByText('Same one')).not.toBeInTheDocument();
    expect(screen.queryByText('Not a web link')).not.toBeInTheDocument();
  });

  it('shows progress in each card while loading', async () => {
    const slow = async () => {
      await new Promise(r => setTimeout(r, 1000));
      return HttpResponse.json({});
    };
    answer({ slos: slow, runbooks: slow });
    await render();
    expect(await screen.findAllByTestId('progress')).toHaveLength(2);
  });

  it('keeps the runbooks and dashboards when Prometheus is down', async () => {
    answer({
      slos: () => HttpResponse.json(prometheusDown, { status: 503 }),
      history: () => HttpResponse.json(prometheusDown, { status: 503 }),
    });
    await render();
    // The SLO summary and the budget history each say why.
    await waitFor(() =>
      expect(
        screen.getAllByText(/Prometheus 'prod' did not answer within 5 s/)
          .length,
      ).toBeGreaterThanOrEqual(2),
    );
    expect(
      await screen.findByRole('link', { name: 'SLO burn' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Service dashboard/ }),
    ).toBeInTheDocument();
  });

  it('shows the SLOs when only the runbooks plugin fails', async () => {
    answer({
      runbooks: () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'You may not read runbooks',
            },
          },
          { status: 403 },
        ),
    });
    await render();
    expect(await screen.findByText('60.0%')).toBeInTheDocument();
    expect(
      await screen.findByText(
        /Runbooks could not be loaded: .*You may not read runbooks/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Service dashboard/ }),
    ).toBeInTheDocument();
  });

  it('explains how to add an SLO, and has no charts, when the service has none', async () => {
    answer({
      slos: () =>
        HttpResponse.json({
          slos: [],
          errors: [],
          specProblems: [],
          queries: 2,
        }),
    });
    await render();
    expect(
      await screen.findByText('This service has no SLO yet'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Error budget over the window'),
    ).not.toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'SLO burn' }),
    ).toBeInTheDocument();
  });

  it('says when there is no history yet', async () => {
    answer({
      history: () =>
        HttpResponse.json({
          series: [],
          errors: [],
          specProblems: [],
          queries: 2,
        }),
    });
    await render();
    expect(
      await screen.findByText('No budget history yet'),
    ).toBeInTheDocument();
  });
});
