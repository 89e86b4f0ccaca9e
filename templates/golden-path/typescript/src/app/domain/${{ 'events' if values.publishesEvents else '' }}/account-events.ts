import type { TransactionType } from '../accounts/account';

/**
 * Events this service publishes on its Kafka topic (SERVICE.eventTopic), through the
 * outbox. They carry identifiers and amounts only, never personal data:
 * consumers that need more ask this service's API.
 */
export interface DomainEvent {
  type: 'account.opened' | 'account.credited' | 'account.debited';
  aggregateType: 'account';
  aggregateId: string;
  payload: Record<string, unknown>;
}

export function accountOpened(account: { id: string; ownerId: string; currency: string; createdAt: string }): DomainEvent {
  return {
    type: 'account.opened',
    aggregateType: 'account',
    aggregateId: account.id,
    payload: { accountId: account.id, ownerId: account.ownerId, currency: account.currency, openedAt: account.createdAt },
  };
}

export function transactionPosted(transaction: {
  id: string;
  accountId: string;
  type: TransactionType;
  amount: number;
  currency: string;
  balanceAfter: number;
  createdAt: string;
}): DomainEvent {
  return {
    type: transaction.type === 'credit' ? 'account.credited' : 'account.debited',
    aggregateType: 'account',
    aggregateId: transaction.accountId,
    payload: {
      accountId: transaction.accountId,
      transactionId: transaction.id,
      amount: transaction.amount,
      currency: transaction.currency,
      balanceAfter: transaction.balanceAfter,
      postedAt: transaction.createdAt,
    },
  };
}
