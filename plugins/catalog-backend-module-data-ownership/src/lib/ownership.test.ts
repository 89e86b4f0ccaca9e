import { tableEntityName, toEntityName } from './names';
import {
  decideOwnership,
  serviceFromMapping,
  servicesFromComment,
} from './ownership';
import { toEntityRef } from './refs';

describe('owner comments', () => {
  it('reads the form generated services write', () => {
    expect(servicesFromComment('owned-by: svc-ledger')).toEqual([
      'component:default/svc-ledger',
    ]);
  });

  it('finds the clause among other text and accepts full references', () => {
    expect(
      servicesFromComment(
        'Daily settlements (CRUD). Owned-By: component:default/svc-ledger; kept 7 years',
      ),
    ).toEqual(['component:default/svc-ledger']);
  });

  it('keeps only the first word of each comma-separated part', () => {
    expect(
      servicesFromComment(
        'owned-by: svc-ledger (CRUD), svc-merchant since 2025.',
      ),
    ).toEqual([
      'component:default/svc-ledger',
      'component:default/svc-merchant',
    ]);
  });

  it('names nobody without the clause', () => {
    expect(servicesFromComment('Legacy exports')).toEqual([]);
    expect(servicesFromComment(null)).toEqual([]);
    expect(servicesFromComment('owned-by: ')).toEqual([]);
  });
});

describe('ownership', () => {
  const ledger = 'component:default/svc-ledger';
  const wallet = 'component:default/svc-wallet';

  it('one claim: owned', () => {
    expect(
      decideOwnership([{ service: ledger, source: 'comment' }]).state,
    ).toBe('owned');
  });

  it('the same service from comment and config is still one owner', () => {
    const o = decideOwnership([
      { service: ledger, source: 'comment' },
      { service: ledger, source: 'config' },
    ]);
    expect(o).toMatchObject({ state: 'owned', services: [ledger] });
  });

  it('comment and config disagreeing: conflict', () => {
    const o = decideOwnership([
      { service: ledger, source: 'comment' },
      { service: wallet, source: 'config' },
    ]);
    expect(o).toMatchObject({ state: 'conflict', services: [ledger, wallet] });
  });

  it('a declared owner counts only when the database says nothing', () => {
    expect(decideOwnership([], ledger)).toMatchObject({
      state: 'owned',
      claims: [{ service: ledger, source: 'declared' }],
    });
    expect(
      decideOwnership([{ service: wallet, source: 'comment' }], ledger),
    ).toMatchObject({ state: 'owned', services: [wallet] });
    expect(decideOwnership([]).state).toBe('unowned');
  });

  it('maps schema.table first, then schema.*', () => {
    const owners = { 'ledger.*': ledger, 'ledger.fx_rates': wallet };
    expect(serviceFromMapping(owners, 'ledger', 'fx_rates')).toBe(wallet);
    expect(serviceFromMapping(owners, 'ledger', 'transactions')).toBe(ledger);
    expect(serviceFromMapping(owners, 'wallet', 'wallets')).toBeUndefined();
  });
});

describe('names and references', () => {
  it('names tables <schema>-<table> with _ turned into -', () => {
    expect(tableEntityName('ledger', 'ledger_entries')).toBe(
      'ledger-ledger-entries',
    );
    expect(tableEntityName('wallet', 'balance_snapshots', 'replica-')).toBe(
      'replica-wallet-balance-snapshots',
    );
  });

  it('makes any text a valid entity name of at most 63 characters', () => {
    expect(toEntityName('Weird Table$Name')).toBe('weird-table-name');
    const long = toEntityName(`ledger-${'x'.repeat(100)}`);
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^[a-z0-9][-a-z0-9_.]*[a-z0-9]$/);
    expect(toEntityName(`ledger-${'x'.repeat(100)}a`)).not.toBe(long);
  });

  it('turns names into full lower-case references, or nothing', () => {
    expect(toEntityRef('svc-ledger', 'component')).toBe(
      'component:default/svc-ledger',
    );
    expect(toEntityRef('Group:Default/Platform-Team', 'group')).toBe(
      'group:default/platform-team',
    );
    expect(toEntityRef('not a ref', 'component')).toBeUndefined();
    expect(toEntityRef('(CRUD)', 'component')).toBeUndefined();
  });
});
