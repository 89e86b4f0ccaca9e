import { describe, expect, it } from 'vitest';
import {
  decideTransaction,
  isLowBalance,
  LOW_BALANCE_THRESHOLD_MINOR,
  MAX_BALANCE_MINOR,
} from '../../../src/app/domain/accounts/account';

const account = { balance: 1_000, currency: 'EUR' };
const tx = (type: 'credit' | 'debit', amount: number, currency = 'EUR') => ({ type, amount, currency, reference: 'order-1' });

describe('decideTransaction', () => {
  it('adds credits and subtracts debits', () => {
    expect(decideTransaction(account, tx('credit', 250))).toEqual({ ok: true, balanceAfter: 1_250 });
    expect(decideTransaction(account, tx('debit', 250))).toEqual({ ok: true, balanceAfter: 750 });
  });

  it('lets a debit empty the account but never overdraw it', () => {
    expect(decideTransaction(account, tx('debit', 1_000))).toEqual({ ok: true, balanceAfter: 0 });
    expect(decideTransaction(account, tx('debit', 1_001))).toEqual({ ok: false, reason: 'insufficient-funds' });
  });

  it('refuses another currency', () => {
    expect(decideTransaction(account, tx('credit', 1, 'GBP'))).toEqual({ ok: false, reason: 'currency-mismatch' });
  });

  it('refuses amounts that are not positive whole minor units', () => {
    for (const amount of [0, -5, 10.5]) {
      expect(decideTransaction(account, tx('credit', amount))).toEqual({ ok: false, reason: 'invalid-amount' });
    }
    expect(decideTransaction(account, tx('credit', 1, 'eur'))).toEqual({ ok: false, reason: 'invalid-currency' });
  });

  it('refuses a balance above the maximum', () => {
    expect(decideTransaction({ balance: MAX_BALANCE_MINOR, currency: 'EUR' }, tx('credit', 1))).toEqual({
      ok: false,
      reason: 'balance-limit-exceeded',
    });
  });
});

describe('isLowBalance', () => {
  it('is true strictly below the threshold', () => {
    expect(isLowBalance(LOW_BALANCE_THRESHOLD_MINOR - 1)).toBe(true);
    expect(isLowBalance(LOW_BALANCE_THRESHOLD_MINOR)).toBe(false);
    expect(isLowBalance(5, 10)).toBe(true);
  });
});
