import { LifecycleService, LoggerService } from '@backstage/backend-plugin-api';
import {
  DeadLetterSource,
  QueueBacklogList,
} from '@internal/plugin-dlq-common';
import { DependencyError } from '@internal/backend-helpers';
import { DeadLettersConfig, redactUrl } from '../config';
import { BullmqDeadLetters } from './BullmqDeadLetters';
import { DeadLetterStore } from './DeadLetterStore';
import { DramatiqDeadLetters } from './DramatiqDeadLetters';
import { VALKEY, ValkeyConnection } from './ValkeyConnection';

/** A source's store, and what the router needs to know besides. */
export type SourceStore = DeadLetterStore & {
  backlogScope: QueueBacklogList['scope'];
  /** Which rows of the action log are the source's. */
  actionScope: { actorPrefix?: string; onlyEntity?: boolean };
};

export type StoreOf = (source: DeadLetterSource) => SourceStore;

/** The dead letters of each broker the portal reads, on one Valkey connection. */
export type Brokers = {
  dramatiq: DramatiqDeadLetters;
  bullmq: BullmqDeadLetters;
};

/**
 * Both brokers' dead letters (Dramatiq's queues, BullMQ services'), read
 * from the Valkey of deadLetters.redis, closed at shutdown; undefined when
 * it is not configured (the log says so, the routes answer 503).
 */
export function connectBrokers(
  settings: DeadLettersConfig,
  deps: { logger: LoggerService; lifecycle: LifecycleService },
): Brokers | undefined {
  const { logger, lifecycle } = deps;
  if (!settings.redis) {
    logger.warn(
      'deadLetters.redis.url is not set: the dead-letter routes answer 503 until it is',
    );
    return undefined;
  }
  const connection = new ValkeyConnection({ ...settings.redis, logger });
  lifecycle.addShutdownHook(() => connection.close());
  const bullmq = new BullmqDeadLetters({ connection, links: settings.links });
  lifecycle.addShutdownHook(() => bullmq.close());
  const dramatiq = new DramatiqDeadLetters({
    connection,
    namespace: settings.namespace,
    queues: settings.queues,
    deadMessageTtlMs: settings.deadMessageTtlMs,
    links: settings.links,
    ...settings.listing,
  });
  logger.info(
    `Dead letters from ${redactUrl(settings.redis.url)}, keys ${
      settings.namespace
    }:<queue>.XQ for ${settings.queues.join(
      ', ',
    )}; BullMQ services' from <service>:dead-letter`,
  );
  return { dramatiq, bullmq };
}

/**
 * The one place where the broker of a source picks its store. Without
 * Valkey (deadLetters.redis.url unset) every store answers a 503 saying so.
 */
export function createStoreOf(brokers: Brokers | undefined): StoreOf {
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
