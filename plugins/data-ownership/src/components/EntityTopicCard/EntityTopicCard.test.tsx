import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { topic } from '../../__testUtils__/entities';
import { EntityTopicCard } from './EntityTopicCard';

const render = (entity: Entity) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityTopicCard />
    </EntityProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

describe('EntityTopicCard', () => {
  it('shows the producer and the consumers of a topic', async () => {
    await render(
      topic(
        'ledger.transactions.v1',
        ['component:default/svc-ledger'],
        [
          'component:default/svc-notification',
          'component:default/svc-analytics',
        ],
      ),
    );
    expect(
      await screen.findByRole('link', { name: 'svc-ledger' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'svc-notification' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'svc-analytics' }),
    ).toBeInTheDocument();
    expect(screen.getByText('not declared')).toBeInTheDocument(); // partitions
    expect(screen.getByText('7d')).toBeInTheDocument();
    expect(
      screen.getByText('JSON: localplus.ledger.v1.Transaction'),
    ).toBeInTheDocument();
  });

  it('warns about a topic with two producers', async () => {
    await render(
      topic(
        'wallet.balance-updated.v1',
        ['component:default/svc-wallet', 'component:default/svc-ledger'],
        [],
        [
          {
            rule: 'multiple-producers',
            level: 'error',
            message:
              'wallet.balance-updated.v1 has 2 producers (svc-wallet, svc-ledger)',
          },
        ],
      ),
    );
    expect(
      await screen.findByText(
        'wallet.balance-updated.v1 has 2 producers (svc-wallet, svc-ledger)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Producers')).toBeInTheDocument();
  });
});
