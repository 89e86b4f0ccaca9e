import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { service, table, topic } from '../../__testUtils__/entities';
import { DataOwnershipPage } from './DataOwnershipPage';

const entities = [
  table('ledger-transactions', {
    table: 'ledger.transactions',
    state: 'owned',
    services: ['component:default/svc-ledger'],
    owner: 'group:default/product-team',
  }),
  table('public-legacy-exports', {
    table: 'public.legacy_exports',
    state: 'unowned',
    findings: [
      {
        rule: 'unowned-table',
        level: 'warning',
        message: 'No service owns public.legacy_exports',
      },
    ],
  }),
  table('giftcard-card-payments', {
    table: 'giftcard.card_payments',
    state: 'conflict',
    services: [
      'component:default/svc-giftcard',
      'component:default/svc-ledger',
    ],
    card: true,
    findings: [
      {
        rule: 'conflicting-owners',
        level: 'error',
        message:
          'giftcard.card_payments is claimed by svc-giftcard and svc-ledger',
      },
    ],
  }),
  table('wallet-member-profiles', {
    table: 'wallet.member_profiles',
    state: 'owned',
    services: ['component:default/svc-wallet'],
    personal: true,
  }),
  topic(
    'ledger.transactions.v1',
    ['component:default/svc-ledger'],
    ['component:default/svc-notification'],
  ),
  service(
    'svc-wallet',
    [],
    [
      {
        rule: 'cross-service-table',
        level: 'error',
        message: 'svc-wallet depends on table ledger.transactions',
      },
    ],
  ),
  // A component without findings is not a row.
  service('svc-merchant'),
];

const render = (api = catalogApiMock({ entities })) =>
  renderInTestApp(<DataOwnershipPage />, {
    apis: [[catalogApiRef, api]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });

const rowNames = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map(r => within(r).queryAllByRole('link')[0]?.textContent);

// Material Table re-renders on each keystroke: typing takes a while in jsdom.
jest.setTimeout(30_000);

describe('DataOwnershipPage', () => {
  it('lists every table and topic, the conflicting and unowned ones first', async () => {
    await render();
    expect(
      await screen.findByText(
        /4 tables: 1 unowned, 1 with conflicting owners, 1 holding personal data, 1 holding card data\. 1 topics, 0 with more than one producer\. 1 services with findings\./,
      ),
    ).toBeInTheDocument();
    expect(rowNames()).toEqual([
      'giftcard-card-payments',
      'svc-wallet',
      'public-legacy-exports',
      'ledger-transactions',
      'wallet-member-profiles',
      'ledger.transactions.v1',
    ]);
    const conflict = screen.getAllByRole('row')[1];
    expect(
      within(conflict).getByText('Conflicting owners'),
    ).toBeInTheDocument();
    expect(within(conflict).getByText('Card data')).toBeInTheDocument();
    expect(
      within(conflict).getByText(
        'giftcard.card_payments is claimed by svc-giftcard and svc-ledger',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('svc-merchant')).not.toBeInTheDocument();
    // Screen readers get the words too, not only the icons: the status, and
    // each finding's level.
    expect(
      within(conflict).getByRole('cell', { name: 'Conflicting owners' }),
    ).toBeInTheDocument();
    expect(
      within(conflict).getByRole('cell', {
        name: 'Error: giftcard.card_payments is claimed by svc-giftcard and svc-ledger',
      }),
    ).toBeInTheDocument();
  });

  it('filters by data flag and by text', async () => {
    await render();
    await screen.findByText(/4 tables/);
    await userEvent.click(screen.getByRole('button', { name: /^Any data/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Personal data (GDPR)' }),
    );
    await waitFor(() => expect(rowNames()).toEqual(['wallet-member-profiles']));
    expect(screen.getByText('1 of 6')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: /^Personal data/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'Any data' }),
    );
    await userEvent.type(screen.getByRole('searchbox'), 'svc-notification');
    await waitFor(() => expect(rowNames()).toEqual([]));
    expect(
      screen.getByText('Nothing matches these filters.'),
    ).toBeInTheDocument();
    await userEvent.clear(screen.getByRole('searchbox'));
    await userEvent.type(screen.getByRole('searchbox'), 'legacy');
    await waitFor(() => expect(rowNames()).toEqual(['public-legacy-exports']));
  });

  it('shows only what needs attention', async () => {
    await render();
    await screen.findByText(/4 tables/);
    await userEvent.click(screen.getByRole('button', { name: /^Everything/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Needs attention' }),
    );
    await waitFor(() =>
      expect(rowNames()).toEqual([
        'giftcard-card-payments',
        'svc-wallet',
        'public-legacy-exports',
      ]),
    );
  });

  it('explains where tables come from when there are none', async () => {
    await render(catalogApiMock({ entities: [service('svc-ledger')] }));
    expect(
      await screen.findByText('No table or topic in the catalog'),
    ).toBeInTheDocument();
  });

  it('shows the error when the catalog cannot be read', async () => {
    await render(
      catalogApiMock.mock({
        getEntities: jest
          .fn()
          .mockRejectedValue(new Error('catalog timed out')),
      }),
    );
    expect(
      await screen.findByText('Error: catalog timed out'),
    ).toBeInTheDocument();
  });
});
