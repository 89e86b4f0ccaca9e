import { isCurrencyCode, isMinorAmount } from '../money';

/**
 * Accounts hold a balance in minor units of one currency. This module only
 * decides; reading and writing rows (under a row lock) is the
 * infrastructure's job.
 */
export const TRANSACTION_TYPES = ['credit', 'debit'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** Balances stay below this, so they are exact in JavaScript and in bigint. */
export const MAX_BALANCE_MINOR = 1_000_000_000_000_000;

/** Below this balance (minor units) a balance-threshold check reports the account. */
export const LOW_BALANCE_THRESHOLD_MINOR = 1_000;

export interface AccountState {
  balance: number;
  currency: string;
}

export interface TransactionRequest {
  type: TransactionType;
  amount: number;
  currency: string;
  reference: string;
}

export type Rejection =
  | 'invalid-amount'
  | 'invalid-currency'
  | 'currency-mismatch'
  | 'insufficient-funds'
  | 'balance-limit-exceeded';

export type Decision = { ok: true; balanceAfter: number } | { ok: false; reason: Rejection };

export function decideTransaction(account: AccountState, request: TransactionRequest): Decision {
  if (!isMinorAmount(request.amount)) return { ok: false, reason: 'invalid-amount' };
  if (!isCurrencyCode(request.currency)) return { ok: false, reason: 'invalid-currency' };
  if (request.currency !== account.currency) return { ok: false, reason: 'currency-mismatch' };

  const balanceAfter =
    request.type === 'credit' ? account.balance + request.amount : account.balance - request.amount;
  // A debit may empty an account, never overdraw it.
  if (balanceAfter < 0) return { ok: false, reason: 'insufficient-funds' };
  if (balanceAfter > MAX_BALANCE_MINOR) return { ok: false, reason: 'balance-limit-exceeded' };
  return { ok: true, balanceAfter };
}

export function isLowBalance(balance: number, threshold: number = LOW_BALANCE_THRESHOLD_MINOR): boolean {
  return balance < threshold;
}
