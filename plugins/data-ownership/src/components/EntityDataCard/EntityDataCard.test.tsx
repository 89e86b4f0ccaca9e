import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { Entity } from '@backstage/catalog-model';
import { service, table, topic } from '../../__testUtils__/entities';
import { EntityDataCard } from './EntityDataCard';

const ledger = service('svc-ledger', [
  ['ownsTable', 'resource:default/ledger-transactions'],
  ['ownsTable', 'resource:default/ledger-settlement-batches'],
  ['producesTopic', 'resource:default/ledger.transactions.v1'],
  ['consumesTopic', 'resource:default/wallet.erasure-requested.v1'],
  ['dependsOn', 'resource:default/aiven-postgresql'],
]);

const catalog = [
  table('ledger-transactions', {
    table: 'ledger.transactions',
    state: 'owned',
    services: ['component:default/svc-ledger'],
  }),
  table('ledger-settlement-batches', {
    table: 'ledger.settlement_batches',
    state: 'conflict',
    services: [
      'component:default/svc-ledger',
      'component:default/svc-merchant',
    ],
    personal: true,
  }),
  topic(
    'ledger.transactions.v1',
    ['component:default/svc-ledger'],
    ['component:default/svc-notification', 'component:default/svc-analytics'],
  ),
  topic(
    'wallet.erasure-requested.v1',
    ['component:default/svc-wallet'],
    ['component:default/svc-ledger'],
  ),
];

function render(entity: Entity, api = catalogApiMock({ entities: catalog })) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityDataCard />
    </EntityProvider>,
    {
      apis: [[catalogApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('EntityDataCard', () => {
  it('lists the tables a service owns and the topics it produces and consumes', async () => {
    await render(ledger);
    expect(await screen.findByText('Tables it owns')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'ledger-transactions' }),
    ).toBeInTheDocument();
    expect(screen.getByText('ledger.settlement_batches')).toBeInTheDocument();
    expect(screen.getByText('Conflicting owners')).toBeInTheDocument();
    expect(screen.getByText('Personal data')).toBeInTheDocument();
    expect(screen.getAllByText('~1,234')).toHaveLength(2);
    expect(screen.getAllByText('16.0 KiB')).toHaveLength(2);

    const produced = screen.getByRole('row', {
      name: /ledger\.transactions\.v1/,
    });
    expect(within(produced).getByText('Produces')).toBeInTheDocument();
    expect(
      within(produced).getByRole('link', { name: 'svc-notification' }),
    ).toBeInTheDocument();
    expect(within(produced).getByText('7d')).toBeInTheDocument();
    const consumed = screen.getByRole('row', {
      name: /wallet\.erasure-requested\.v1/,
    });
    expect(within(consumed).getByText('Consumes')).toBeInTheDocument();
    expect(
      within(consumed).getByRole('link', { name: 'svc-wallet' }),
    ).toBeInTheDocument();
    // Not a data relation: not on this card.
    expect(screen.queryByText('aiven-postgresql')).not.toBeInTheDocument();
  });

  it("shows the service's findings above its data", async () => {
    await render(
      service(
        'svc-wallet',
        [['ownsTable', 'resource:default/ledger-transactions']],
        [
          {
            rule: 'cross-service-table',
            level: 'error',
            message:
              'svc-wallet depends on table ledger.transactions, owned by svc-ledger',
          },
        ],
      ),
    );
    expect(
      await screen.findByText(
        'svc-wallet depends on table ledger.transactions, owned by svc-ledger',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Produces and consumes no topic.'),
    ).toBeInTheDocument();
  });

  it('explains how a service comes to own data when it owns none', async () => {
    await render(service('svc-analytics'));
    expect(
      await screen.findByText('svc-analytics owns no table and uses no topic'),
    ).toBeInTheDocument();
    expect(screen.getByText(/owned-by: <service>/)).toBeInTheDocument();
  });

  it('shows an error when the catalog cannot be read, on this card only', async () => {
    const api = catalogApiMock.mock({
      getEntitiesByRefs: jest
        .fn()
        .mockRejectedValue(new Error('catalog is down')),
    });
    await render(ledger, api);
    expect(
      await screen.findByText('Error: catalog is down'),
    ).toBeInTheDocument();
    expect(screen.getByText('Data')).toBeInTheDocument();
  });
});
