import { describe, expect, it } from 'vitest';
import { accountOpened, transactionPosted } from '../../../src/app/domain/events/account-events';

const transaction = {
  id: 't-1',
  accountId: 'a-1',
  type: 'debit' as const,
  amount: 300,
  currency: 'EUR',
  balanceAfter: 700,
  createdAt: '2026-01-01T00:00:00.000Z',
  reference: 'order-1',
};

describe('account events', () => {
  it('keys events by account and names them after the transaction type', () => {
    expect(transactionPosted(transaction)).toMatchObject({ type: 'account.debited', aggregateId: 'a-1' });
    expect(transactionPosted({ ...transaction, type: 'credit' }).type).toBe('account.credited');
    expect(accountOpened({ id: 'a-1', ownerId: 'member-1', currency: 'EUR', createdAt: transaction.createdAt })).toEqual({
      type: 'account.opened',
      aggregateType: 'account',
      aggregateId: 'a-1',
      payload: { accountId: 'a-1', ownerId: 'member-1', currency: 'EUR', openedAt: transaction.createdAt },
    });
  });

  it('carries ids and amounts only, not the client reference', () => {
    expect(transactionPosted(transaction).payload).toEqual({
      accountId: 'a-1',
      transactionId: 't-1',
      amount: 300,
      currency: 'EUR',
      balanceAfter: 700,
      postedAt: transaction.createdAt,
    });
  });
});
