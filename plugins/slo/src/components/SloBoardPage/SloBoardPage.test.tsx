import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { SloWithEntity } from '../../api/SloClient';
import { SloClient, sloApiRef } from '../../api/SloClient';
import { ledgerAvailability, ledgerLatency, prometheusDown } from '../testData';
import { SloBoardPage } from './SloBoardPage';

const boardUrl = 'http://backend.test/api/slo/board';

const merchant: SloWithEntity = {
  ...ledgerLatency,
  service: 'svc-merchant',
  slo: 'requests-availability',
  description: 'Merchant onboarding requests.',
  alert: 'ticket',
  entityRef: 'component:default/svc-merchant',
};
const gitops: SloWithEntity = {
  ...ledgerLatency,
  service: 'platform-gitops',
  slo: 'availability',
  description: 'ArgoCD API server calls.',
  entityRef: 'component:default/platform-gitops',
};
// As the backend sends it: most urgent first.
const BOARD = [ledgerAvailability, merchant, gitops, ledgerLatency];

const catalog = catalogApiMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'platform-team', title: 'Platform Team' },
      spec: { type: 'team', children: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'local-plus', title: 'Local-Plus' },
      spec: { owner: 'group:default/platform-team' },
    },
  ],
});

describe('SloBoardPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const requests: URL[] = [];
  beforeEach(() => requests.splice(0));

  const board = (body: object, status = 200) =>
    server.use(
      http.get(boardUrl, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(body, { status });
      }),
    );
  const render = () => {
    const client = new SloClient({
      discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
      fetchApi: { fetch: (input, init) => fetch(input, init) },
    });
    return renderInTestApp(
      <TestApiProvider
        apis={[
          [sloApiRef, client],
          [catalogApiRef, catalog],
        ]}
      >
        <SloBoardPage />
      </TestApiProvider>,
    );
  };
  const services = () =>
    screen
      .getAllByRole('row')
      .slice(1)
      .map(r => within(r).getAllByRole('cell')[1].textContent);
  const choose = async (label: string, option: string) => {
    await userEvent.click(
      screen.getByTestId(`filter-${label}`).querySelector('[role="button"]')!,
    );
    await userEvent.click(await screen.findByRole('option', { name: option }));
  };

  it('lists every SLO most urgent first, with counts per alert state', async () => {
    board({ slos: BOARD, errors: [], specProblems: [], queries: 3 });
    await render();
    expect(
      await screen.findByText('SLOs by urgency (4 of 4)'),
    ).toBeInTheDocument();
    expect(services()).toEqual([
      'svc-ledger',
      'svc-merchant',
      'platform-gitops',
      'svc-ledger',
    ]);
    expect(screen.getByText('1 paging')).toBeInTheDocument();
    expect(screen.getByText('1 ticket')).toBeInTheDocument();
    expect(screen.getByText('2 ok')).toBeInTheDocument();
    expect(
      screen.getAllByRole('link', { name: 'svc-ledger' })[0],
    ).toHaveAttribute('href', '/catalog/default/component/svc-ledger/slo');
  });

  it('filters by alert state and by text, keeping the order', async () => {
    board({ slos: BOARD, errors: [], specProblems: [], queries: 3 });
    await render();
    await screen.findByText('SLOs by urgency (4 of 4)');

    await choose('alert', 'OK');
    expect(
      await screen.findByText('SLOs by urgency (2 of 4)'),
    ).toBeInTheDocument();
    expect(services()).toEqual(['platform-gitops', 'svc-ledger']);

    await userEvent.type(screen.getByLabelText('Search SLOs'), 'argocd');
    expect(
      await screen.findByText('SLOs by urgency (1 of 4)'),
    ).toBeInTheDocument();
    expect(services()).toEqual(['platform-gitops']);

    await userEvent.clear(screen.getByLabelText('Search SLOs'));
    await userEvent.type(
      screen.getByLabelText('Search SLOs'),
      'nothing like it',
    );
    expect(
      await screen.findByText('No SLO matches these filters'),
    ).toBeInTheDocument();
    expect(requests).toHaveLength(1); // filtered on the page, not asked again
  });

  it('asks the backend for the SLOs of a system or an owner', async () => {
    board({ slos: [gitops], errors: [], specProblems: [], queries: 3 });
    await render();
    await screen.findByText('SLOs by urgency (1 of 1)');
    await choose('system', 'Local-Plus');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('system')).toBe(
        'system:default/local-plus',
      ),
    );
    await choose('owner', 'Platform Team');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('owner')).toBe(
        'group:default/platform-team',
      ),
    );
    expect(requests.at(-1)?.searchParams.get('system')).toBe(
      'system:default/local-plus',
    );
  });

  it('shows a malformed spec beside the SLOs that could be read', async () => {
    board({
      slos: [merchant],
      errors: [],
      specProblems: [
        {
          entityRef: 'component:default/svc-wallet',
          file: 'services/svc-wallet/slo/sloth.yaml',
          message:
            'services/svc-wallet/slo/sloth.yaml: spec.slos[0].sli.events.errorQuery: must contain {{.window}} where the window goes',
        },
      ],
      queries: 3,
    });
    await render();
    expect(
      await screen.findByText(
        'SLO spec services/svc-wallet/slo/sloth.yaml of component:default/svc-wallet cannot be used',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('SLOs by urgency (1 of 1)')).toBeInTheDocument();
  });

  it('says how to add SLOs when there are none', async () => {
    board({ slos: [], errors: [], specProblems: [], queries: 2 });
    await render();
    expect(await screen.findByText('No SLO found')).toBeInTheDocument();
  });

  it('shows progress, then a clear error when Prometheus is down, with the filters still usable', async () => {
    server.use(
      http.get(boardUrl, async () => {
        await new Promise(r => setTimeout(r, 300));
        return HttpResponse.json(prometheusDown, { status: 503 });
      }),
    );
    await render();
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(
      (
        await screen.findAllByText(
          /Prometheus 'prod' did not answer within 5 s/,
        )
      )[0],
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Search SLOs')).toBeEnabled();
  });
});
