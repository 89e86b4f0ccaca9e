import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  CatalogApi,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { DlqApi, dlqApiRef } from '@internal/plugin-dlq';
import { SloApi, sloApiRef } from '@internal/plugin-slo';
import {
  backendError,
  board,
  deadLetters,
  gitops,
  ledger,
  PRODUCT_TEAM,
  proto,
  settlementBatches,
  wallet,
} from '../__testUtils__/fixtures';
import { TeamServicesCard } from './TeamServicesCard';

const GUEST = 'user:development/guest';

function render(
  options: {
    catalog?: Partial<CatalogApi>;
    slo?: Partial<SloApi>;
    dlq?: Partial<DlqApi>;
    ownership?: string[];
  } = {},
) {
  const slo = options.slo ?? { getBoard: jest.fn(async () => board) };
  const dlq = options.dlq ?? {
    getDeadLetters: jest.fn(async (ref: string) =>
      ref === 'component:default/svc-ledger'
        ? deadLetters(ref, [
            ['critical', 2],
            ['high', 1],
            ['default', 0],
          ])
        : deadLetters(ref, []),
    ),
  };
  const catalog =
    options.catalog ??
    catalogApiMock({
      entities: [ledger, wallet, proto, gitops, settlementBatches],
    });
  renderInTestApp(<TeamServicesCard />, {
    apis: [
      mockApis.identity({
        userEntityRef: GUEST,
        ownershipEntityRefs: options.ownership ?? [GUEST, PRODUCT_TEAM],
      }),
      [catalogApiRef, catalog],
      [sloApiRef, slo],
      [dlqApiRef, dlq],
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return { slo, dlq };
}

/** The in-memory catalog with its getEntities replaced. */
function withGetEntities(
  catalog: CatalogApi,
  getEntities: CatalogApi['getEntities'],
): Partial<CatalogApi> {
  return {
    getEntities,
    getEntitiesByRefs: catalog.getEntitiesByRefs.bind(catalog),
    getEntityByRef: catalog.getEntityByRef.bind(catalog),
  };
}

/** Waits until every column has answered: the table stops re-rendering. */
async function settled() {
  await waitFor(() =>
    expect(screen.queryByText('Loading…')).not.toBeInTheDocument(),
  );
}

/**
 * The cells of the row of this component, by column title, read anew on
 * each call (the table re-renders its rows as each column loads), once
 * every column has answered.
 */
async function rowOf(name: string) {
  await screen.findByRole('link', { name });
  await settled();
  return (title: string) => {
    const row = screen
      .getAllByRole('row')
      .find(r => within(r).queryByRole('link', { name }))!;
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    return within(row).getAllByRole('cell')[headers.indexOf(title)];
  };
}

describe('TeamServicesCard', () => {
  it("lists the team's components with their SLO state, dead letters and findings", async () => {
    const { slo, dlq } = render();

    const ledgerRow = await rowOf('svc-ledger');
    expect(screen.getByRole('link', { name: 'svc-ledger' })).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-ledger',
    );
    expect(
      await within(ledgerRow('SLOs')).findByRole('link', {
        name: 'paging, 60.0% budget left',
      }),
    ).toHaveAttribute('href', '/catalog/default/component/svc-ledger/slo');
    expect(ledgerRow('SLOs')).toHaveTextContent(
      'availability, the most urgent of 2',
    );
    expect(
      await within(ledgerRow('Dead letters')).findByRole('link', {
        name: '3 dead letters',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-ledger/dead-letters',
    );
    expect(ledgerRow('Dead letters')).toHaveTextContent(
      '2 in critical, 1 in high',
    );
    // The conflicting table it claims with svc-merchant.
    await waitFor(() =>
      expect(ledgerRow('Data findings')).toHaveTextContent(
        '1 open (1 error)conflicting owners',
      ),
    );

    const walletRow = await rowOf('svc-wallet');
    expect(walletRow('SLOs')).toHaveTextContent('ok, 92.0% budget left');
    expect(walletRow('Dead letters')).toHaveTextContent('None');
    // Its own finding, on the component.
    expect(walletRow('Data findings')).toHaveTextContent(
      '1 open (1 error)cross-service table',
    );

    // A library: no SLO, no dead letters to track.
    const protoRow = await rowOf('contracts-proto');
    expect(protoRow('SLOs')).toHaveTextContent('None');
    expect(protoRow('Dead letters')).toHaveTextContent('Not tracked');
    expect(protoRow('Data findings')).toHaveTextContent('None');

    // Services first, then the rest; never another team's.
    const names = screen
      .getAllByRole('row')
      .slice(1)
      .map(r => within(r).getAllByRole('link')[0].textContent);
    expect(names).toEqual(['svc-ledger', 'svc-wallet', 'contracts-proto']);
    expect(screen.queryByText('platform-gitops')).not.toBeInTheDocument();

    // One SLO request for the whole team; dead letters only where annotated.
    expect(slo.getBoard).toHaveBeenCalledTimes(1);
    expect(slo.getBoard).toHaveBeenCalledWith({ owner: PRODUCT_TEAM });
    expect(dlq.getDeadLetters).toHaveBeenCalledTimes(2);
    expect(dlq.getDeadLetters).toHaveBeenCalledWith(
      'component:default/svc-ledger',
      { limit: 1 },
    );
    expect(screen.queryByText(/could not be read/)).not.toBeInTheDocument();

    // Whose services, as one inline element: InfoCard's subheader is a flex
    // box, which would drop the space before the team's name.
    const subheader = screen.getByTestId('info-card-subheader')
      .firstElementChild!;
    expect(subheader.children).toHaveLength(1);
    expect(subheader).toHaveTextContent(/^Components owned by \S+$/);
  });

  it("shows the SLO backend's message in the SLO column while the rest renders, and retries it", async () => {
    const down = backendError(
      503,
      'ServiceUnavailableError',
      "Prometheus 'local' did not answer within 5 s",
      '/api/slo/board',
    );
    const getBoard = jest
      .fn()
      .mockRejectedValueOnce(down)
      .mockResolvedValueOnce(board);
    render({ slo: { getBoard } });

    const ledgerRow = await rowOf('svc-ledger');
    await waitFor(() =>
      expect(ledgerRow('SLOs')).toHaveTextContent(
        "Prometheus 'local' did not answer within 5 s",
      ),
    );
    expect((await rowOf('svc-wallet'))('SLOs')).toHaveTextContent(
      "Prometheus 'local' did not answer within 5 s",
    );
    // The other columns are untouched.
    expect(ledgerRow('Dead letters')).toHaveTextContent('3 dead letters');
    expect(ledgerRow('Data findings')).toHaveTextContent('1 open');

    await userEvent.click(screen.getByRole('button', { name: 'Retry SLOs' }));
    await waitFor(() =>
      expect(ledgerRow('SLOs')).toHaveTextContent('paging, 60.0% budget left'),
    );
    expect(getBoard).toHaveBeenCalledTimes(2);
    expect(
      screen.queryByRole('button', { name: 'Retry SLOs' }),
    ).not.toBeInTheDocument();
  });

  it("shows one service's dead-letter error in its own cell", async () => {
    const getDeadLetters = jest.fn(async (ref: string) => {
      if (ref === 'component:default/svc-ledger') {
        throw backendError(
          503,
          'ServiceUnavailableError',
          'Valkey did not answer within 2000 ms (request id 4f2a)',
        );
      }
      return deadLetters(ref, [['critical', 1]]);
    });
    render({ dlq: { getDeadLetters } });

    const ledgerRow = await rowOf('svc-ledger');
    await waitFor(() =>
      expect(ledgerRow('Dead letters')).toHaveTextContent(
        'Valkey did not answer within 2000 ms (request id 4f2a)',
      ),
    );
    expect((await rowOf('svc-wallet'))('Dead letters')).toHaveTextContent(
      '1 dead letter1 in critical',
    );
    expect(ledgerRow('SLOs')).toHaveTextContent('paging, 60.0% budget left');
    expect(
      screen.getByRole('button', { name: 'Retry dead letters' }),
    ).toBeInTheDocument();
  });

  it('shows a failed findings query in the findings column only', async () => {
    const catalog = catalogApiMock({
      entities: [ledger, wallet, proto, settlementBatches],
    });
    const getEntities = jest.fn(catalog.getEntities.bind(catalog));
    // The team's components, then the findings of their tables and topics.
    getEntities.mockImplementationOnce(catalog.getEntities.bind(catalog));
    getEntities.mockRejectedValueOnce(
      backendError(500, 'Error', 'Catalog search timed out'),
    );
    render({ catalog: withGetEntities(catalog, getEntities) });

    const ledgerRow = await rowOf('svc-ledger');
    await waitFor(() =>
      expect(ledgerRow('Data findings')).toHaveTextContent(
        'Catalog search timed out',
      ),
    );
    expect(ledgerRow('SLOs')).toHaveTextContent('paging, 60.0% budget left');
    await userEvent.click(
      screen.getByRole('button', { name: 'Retry findings' }),
    );
    await waitFor(() =>
      expect(ledgerRow('Data findings')).toHaveTextContent('1 open'),
    );
  });

  it('shows each column loading on its own', async () => {
    const never = () => new Promise<never>(() => {});
    let answer: (value: typeof board) => void = () => {};
    render({
      slo: {
        getBoard: () =>
          new Promise(resolve => {
            answer = resolve;
          }),
      },
      dlq: { getDeadLetters: never },
    });
    expect(
      await screen.findAllByRole('progressbar', { name: 'Loading SLOs' }),
    ).toHaveLength(3);
    expect(
      screen.getAllByRole('progressbar', { name: 'Loading dead letters' }),
    ).toHaveLength(3);
    answer(board);
    await waitFor(() =>
      expect(
        screen.queryAllByRole('progressbar', { name: 'Loading SLOs' }),
      ).toHaveLength(0),
    );
  });

  it('says so when the teams own no component', async () => {
    const { slo, dlq } = render({
      ownership: [GUEST, 'group:default/compliance'],
    });
    expect(
      await screen.findByRole('heading', {
        name: 'Your teams own no service yet',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: "Create your team's first service" }),
    ).toHaveAttribute('href', '/create');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(slo.getBoard).not.toHaveBeenCalled();
    expect(dlq.getDeadLetters).not.toHaveBeenCalled();
  });

  it('says what the catalog answered when it fails, and tries again', async () => {
    const catalog = catalogApiMock({ entities: [ledger] });
    const getEntities = jest.fn(catalog.getEntities.bind(catalog));
    getEntities.mockRejectedValueOnce(
      backendError(
        503,
        'ServiceUnavailableError',
        'The catalog database is down',
      ),
    );
    render({ catalog: withGetEntities(catalog, getEntities) });

    expect(
      await screen.findByText(
        /could not be loaded: The catalog database is down/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    const ledgerRow = await rowOf('svc-ledger');
    expect(ledgerRow('SLOs')).toHaveTextContent('paging, 60.0% budget left');
  });
});
