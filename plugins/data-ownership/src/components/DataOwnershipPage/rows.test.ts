import { service, table, topic } from '../../__testUtils__/entities';
import { applyFilters, NO_FILTER, summarize, toRows } from './rows';

const entities = [
  table('ledger-transactions', {
    table: 'ledger.transactions',
    state: 'owned',
    services: ['component:default/svc-ledger'],
    owner: 'group:default/product-team',
  }),
  table('wallet-member-profiles', {
    table: 'wallet.member_profiles',
    state: 'owned',
    services: ['component:default/svc-wallet'],
    personal: true,
  }),
  table('public-legacy-exports', {
    table: 'public.legacy_exports',
    state: 'unowned',
  }),
  table('giftcard-card-payments', {
    table: 'giftcard.card_payments',
    state: 'conflict',
    services: [
      'component:default/svc-giftcard',
      'component:default/svc-ledger',
    ],
    card: true,
  }),
  topic('ledger.transactions.v1', ['component:default/svc-ledger'], []),
  topic(
    'wallet.balance-updated.v1',
    ['component:default/svc-wallet', 'component:default/svc-ledger'],
    [],
    [{ rule: 'multiple-producers', level: 'error', message: 'two producers' }],
  ),
  service(
    'svc-wallet',
    [],
    [
      {
        rule: 'cross-service-table',
        level: 'error',
        message: 'reads ledger.transactions',
      },
    ],
  ),
];

describe('data ownership rows', () => {
  const rows = toRows(entities);

  it('puts what needs action first: conflicts and errors, then unowned, then the rest', () => {
    expect(rows.map(r => r.entity.metadata.name)).toEqual([
      'giftcard-card-payments',
      'wallet.balance-updated.v1',
      'svc-wallet',
      'public-legacy-exports',
      'ledger-transactions',
      'wallet-member-profiles',
      'ledger.transactions.v1',
    ]);
    expect(rows[0]).toMatchObject({
      kind: 'table',
      detail: 'giftcard.card_payments',
      state: 'conflict',
      card: true,
    });
    expect(rows[1]).toMatchObject({
      kind: 'topic',
      services: [
        'component:default/svc-wallet',
        'component:default/svc-ledger',
      ],
    });
  });

  it('filters by state, type, flag and text', () => {
    const names = (f: Partial<typeof NO_FILTER>) =>
      applyFilters(rows, { ...NO_FILTER, ...f }).map(
        r => r.entity.metadata.name,
      );
    expect(names({ show: 'attention' })).toEqual([
      'giftcard-card-payments',
      'wallet.balance-updated.v1',
      'svc-wallet',
      'public-legacy-exports',
    ]);
    expect(names({ show: 'unowned' })).toEqual(['public-legacy-exports']);
    expect(names({ show: 'conflict' })).toEqual(['giftcard-card-payments']);
    expect(names({ kind: 'topic' })).toEqual([
      'wallet.balance-updated.v1',
      'ledger.transactions.v1',
    ]);
    expect(names({ data: 'personal' })).toEqual(['wallet-member-profiles']);
    expect(names({ data: 'card' })).toEqual(['giftcard-card-payments']);
    expect(names({ text: 'PLATFORM-TEAM' })).toEqual([
      'giftcard-card-payments',
      'public-legacy-exports',
      'wallet-member-profiles',
    ]);
    expect(names({ text: 'member_profiles' })).toEqual([
      'wallet-member-profiles',
    ]);
    expect(names({ text: 'reads ledger' })).toEqual(['svc-wallet']);
    expect(names({ kind: 'table', data: 'card', show: 'unowned' })).toEqual([]);
  });

  it('counts what a reviewer asks first', () => {
    expect(summarize(rows)).toEqual({
      tables: 4,
      unowned: 1,
      conflicting: 1,
      personal: 1,
      card: 1,
      topics: 2,
      multipleProducers: 1,
      servicesWithFindings: 1,
    });
  });
});
