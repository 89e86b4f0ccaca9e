import { DeadLetter } from '@internal/plugin-dlq-common';

/** "ledger.rollback_transaction (message 4f1c…)", for dialogs and notices. */
export function describe(item: DeadLetter) {
  return `${item.actor ?? 'unreadable entry'} (message ${
    item.messageId ?? item.key
  })`;
}
