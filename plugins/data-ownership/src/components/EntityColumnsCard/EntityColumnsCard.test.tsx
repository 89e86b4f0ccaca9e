import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { table } from '../../__testUtils__/entities';
import { EntityColumnsCard } from './EntityColumnsCard';

const render = (entity: Entity) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityColumnsCard />
    </EntityProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

describe('EntityColumnsCard', () => {
  it('lists the columns with their personal and card data flags', async () => {
    await render(
      table('giftcard-card-payments', {
        table: 'giftcard.card_payments',
        state: 'owned',
        services: ['component:default/svc-giftcard'],
        card: true,
        columns: [
          {
            name: 'payment_id',
            type: 'bigint',
            nullable: false,
            flags: [],
            reasons: [],
          },
          {
            name: 'pan',
            type: 'text',
            nullable: true,
            flags: ['card-data'],
            reasons: ['name: pan'],
          },
          {
            name: 'processor_ref',
            type: 'text',
            nullable: true,
            flags: ['card-data'],
            reasons: ['sampled values pass Luhn'],
          },
          {
            name: 'email',
            type: 'text',
            nullable: false,
            flags: ['personal-data'],
            reasons: ['name: email'],
          },
        ],
      }),
    );
    const pan = await screen.findByRole('row', { name: /^pan text/ });
    expect(within(pan).getByText('Card data')).toBeInTheDocument();
    expect(within(pan).getByText('name: pan')).toBeInTheDocument();
    expect(within(pan).getByText('yes')).toBeInTheDocument();
    const ref = screen.getByRole('row', { name: /processor_ref/ });
    expect(
      within(ref).getByText('sampled values pass Luhn'),
    ).toBeInTheDocument();
    const email = screen.getByRole('row', { name: /email/ });
    expect(within(email).getByText('Personal data')).toBeInTheDocument();
    expect(within(email).getByText('no')).toBeInTheDocument();
    const id = screen.getByRole('row', { name: /payment_id/ });
    expect(within(id).queryByText('Card data')).not.toBeInTheDocument();

    expect(
      screen.getByText(
        /read live from aiven-postgresql, ~1,234 rows, 16\.0 KiB/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/3 of 4 columns flagged/)).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'svc-giftcard' }),
    ).toBeInTheDocument();
    expect(screen.getByText(/comment: svc-giftcard/)).toBeInTheDocument();
  });

  it('shows the findings of an unowned table', async () => {
    await render(
      table('public-legacy-exports', {
        table: 'public.legacy_exports',
        state: 'unowned',
        columns: [],
        findings: [
          {
            rule: 'unowned-table',
            level: 'warning',
            message: 'No service owns public.legacy_exports',
          },
        ],
      }),
    );
    expect(
      await screen.findByText('No service owns public.legacy_exports'),
    ).toBeInTheDocument();
    expect(screen.getByText('Unowned')).toBeInTheDocument();
  });

  it('explains why a declared table has no columns', async () => {
    await render(
      table('ledger-transactions', {
        table: 'ledger.transactions',
        state: 'owned',
        services: ['component:default/svc-ledger'],
        live: false,
      }),
    );
    expect(await screen.findByText('No columns known')).toBeInTheDocument();
    expect(screen.getByText(/declared in the table specs/)).toBeInTheDocument();
  });
});
