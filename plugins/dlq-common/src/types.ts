import { z } from 'zod';

/** One dead-lettered task, as the portal shows it. */
export interface DeadLetter {
  /** The queue the task was on (critical, high, …), and will be replayed to. */
  queue: string;
  /**
   * Where the broker keeps it: Dramatiq's `redis_message_id`, the member of
   * `dramatiq:<queue>.XQ`. Replay and discard address the entry by it.
   */
  key: string;
  /** Dramatiq's message id: the same in logs, traces and Sentry. */
  messageId?: string;
  actor?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** Attempts made before it was dead-lettered (`options.retries`). */
  retries?: number;
  /** Stack trace of the last failed attempt that was retried. */
  traceback?: string;
  enqueuedAt?: string;
  deadLetteredAt: string;
  /**
   * When the broker deletes it (Dramatiq's dead_message_ttl): replay is
   * possible until then. Absent where dead letters are kept until handled
   * (the BullMQ services of the golden path).
   */
  expiresAt?: string;
  /** Links to the last attempt's error and trace, when configured. */
  links: { title: string; url: string }[];
  /**
   * Set when the stored message could not be read: it is still listed (and
   * can be discarded) rather than hidden.
   */
  unreadable?: string;
}

export interface DeadLetterQueueDepth {
  queue: string;
  /** Dead letters of this entity on the queue. */
  depth: number;
  oldestDeadLetteredAt?: string;
}

/** What `GET /dead-letters` answers for one entity. */
export interface DeadLetterList {
  entityRef: string;
  /** The annotation value, e.g. `dramatiq:ledger.`. */
  source: string;
  queues: DeadLetterQueueDepth[];
  /** Newest first, at most `limit` of them. */
  items: DeadLetter[];
  total: number;
  limit: number;
}

/** One replay or discard, as the audit trail keeps it. */
export interface DeadLetterAction {
  id: number;
  action: 'replay' | 'discard';
  entityRef: string;
  queue: string;
  key: string;
  messageId?: string;
  actor?: string;
  reason?: string;
  /** The user who did it. */
  by: string;
  at: string;
}

const entityRef = z
  .string()
  .regex(
    /^[a-z]+:[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i,
    'a full entity reference, kind:namespace/name',
  );
const queue = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'a queue name');
/** Dramatiq's redis message id (a UUID), or a BullMQ dead letter's `<queue>/<job id>`. */
const key = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:\/-]{0,199}$/, 'a broker message key');

/** Body of `POST /dead-letters/replay`. */
export const replayRequestSchema = z.strictObject({ entityRef, queue, key });
export type ReplayRequest = z.infer<typeof replayRequestSchema>;

/** Body of `POST /dead-letters/discard`: a reason someone understands months later. */
export const discardRequestSchema = z.strictObject({
  entityRef,
  queue,
  key,
  reason: z
    .string()
    .trim()
    .min(10, 'give a reason of at least 10 characters')
    .max(500, 'keep the reason under 500 characters'),
});
export type DiscardRequest = z.infer<typeof discardRequestSchema>;
