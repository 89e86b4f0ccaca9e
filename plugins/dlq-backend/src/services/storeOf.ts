import {
  DeadLetterSource,
  QueueBacklogList,
} from '@internal/plugin-dlq-common';
import { DependencyError } from '@internal/backend-helpers';
import { BullmqDeadLetters } from './BullmqDeadLetters';
import { DeadLetterStore } from './DeadLetterStore';
import { DramatiqDeadLetters } from './DramatiqDeadLetters';
import { VALKEY } from './ValkeyConnection';

/** A source's store, and what the router needs to know besides. */
export type SourceStore = DeadLetterStore & {
  backlogScope: QueueBacklogList['scope'];
  /** Which rows of the action log are the source's. */
  actionScope: { actorPrefix?: string; onlyEntity?: boolean };
};

export type StoreOf = (source: DeadLetterSource) => SourceStore;

/**
 * The one place where the broker of a source picks its store. Without
 * Valkey (deadLetters.redis.url unset) every store answers a 503 saying so.
 */
export function createStoreOf(
  brokers:
    | { dramatiq: DramatiqDeadLetters; bullmq: BullmqDeadLetters }
    | undefined,
): StoreOf {
  const stores = () => {
    if (!brokers) {
      throw new DependencyError({
        dependency: VALKEY,
        problem: 'is not configured',
        hint: 'set deadLetters.redis.url (DEAD_LETTERS_REDIS_URL in production)',
      });
    }
    return brokers;
  };
  return source => {
    if (source.broker === 'bullmq') {
      return {
        list: q => stores().bullmq.list(source, q),
        backlog: () => stores().bullmq.backlog(source),
        replay: (q, k, b) => stores().bullmq.replay(source, q, k, b),
        discard: (q, k, b) => stores().bullmq.discard(source, q, k, b),
        backlogScope: 'service',
        actionScope: { onlyEntity: true },
      };
    }
    return {
      list: q => stores().dramatiq.list(source, q),
      backlog: () => stores().dramatiq.backlog(),
      replay: (q, k, b) => stores().dramatiq.replay(source, q, k, b),
      discard: (q, k, b) => stores().dramatiq.discard(source, q, k, b),
      backlogScope: 'queue',
      actionScope: { actorPrefix: source.actorPrefix },
    };
  };
}
