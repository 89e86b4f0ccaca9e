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
  /**
   * Newest first, at most `limit` of them; empty when `payloads` is
   * `hidden`.
   */
  items: DeadLetter[];
  /** Dead letters matching the filters (all of them without filters). */
  total: number;
  /**
   * False when counting stopped at the scan budget (a filter on content
   * over a very large queue): `total` and the depths are then lower bounds.
   */
  exact: boolean;
  /** Pass it as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
  limit: number;
  /**
   * How the items' arguments, tracebacks and errors are shown: masked
   * (card numbers, IBANs, e-mail addresses, phone numbers, secrets),
   * revealed (to a platform admin who asked, audited; card numbers stay
   * masked), or hidden (the user may see counts only: `hiddenBecause`).
   */
  payloads: 'masked' | 'revealed' | 'hidden';
  hiddenBecause?: string;
}

/**
 * The seed's alert thresholds for task queues (architecture 8.6.9): more
 * than 1000 waiting tasks means scale the workers; more than 10 dead
 * letters, investigate now (any on `critical` pages).
 */
export const BACKLOG_SCALE_THRESHOLD = 1000;
export const DEAD_LETTER_TICKET_THRESHOLD = 10;

/** The live state of one task queue, shared by every service using it. */
export interface QueueBacklog {
  queue: string;
  /** Tasks waiting for a worker. */
  waiting: number;
  /** Fetched by a worker and not yet acknowledged. */
  inFlight: number;
  /**
   * Waiting for a time: retries in their backoff and tasks sent with a
   * delay (Dramatiq's `<queue>.DQ`, BullMQ's delayed jobs).
   */
  delayed: number;
  /** When the oldest waiting task was enqueued (first enqueue, retries keep it). */
  oldestWaitingAt?: string;
  /** Set when what Valkey holds could not be read as the broker writes it. */
  problem?: string;
}

/** What `GET /backlog` answers for one entity. */
export interface QueueBacklogList {
  entityRef: string;
  source: string;
  /**
   * `queue`: Dramatiq queues are shared by many services, so these are the
   * queues' totals; `service`: the service's own BullMQ queues.
   */
  scope: 'queue' | 'service';
  queues: QueueBacklog[];
  /** When it was read. */
  at: string;
}

/**
 * How a replay or discard ended. Its row is written before the dead letter
 * is touched (`pending`), then marked `done` or `failed`. A row that stays
 * `pending` is one whose end could not be written (the log has it) or whose
 * backend stopped in between: check the dead letter before acting again.
 */
export type DeadLetterActionOutcome = 'pending' | 'done' | 'failed';

/** One replay or discard, as the audit trail keeps it. */
export interface DeadLetterAction {
  id: number;
  action: 'replay' | 'discard';
  outcome: DeadLetterActionOutcome;
  /** Why it failed, as the user was told (never an address or a stack). */
  error?: string;
  entityRef: string;
  queue: string;
  key: string;
  messageId?: string;
  actor?: string;
  reason?: string;
  /** The user who did it. */
  by: string;
  /** When it was asked for. */
  at: string;
}

/*
 * The longest values the API accepts. The audit table (plugins/dlq-backend
 * migrations) stores them: its columns are at least this wide, and a test
 * there feeds each maximum to SQLite and PostgreSQL.
 */
const ENTITY_REF_MAX = 255;
const QUEUE_MAX = 100;
const KEY_MAX = 200;
const REASON_MAX = 500;

const entityRef = z
  .string()
  .max(ENTITY_REF_MAX, `at most ${ENTITY_REF_MAX} characters`)
  .regex(
    /^[a-z]+:[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i,
    'a full entity reference, kind:namespace/name',
  );
const queue = z
  .string()
  .max(QUEUE_MAX, `a queue name of at most ${QUEUE_MAX} characters`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a queue name');
/** Dramatiq's redis message id (a UUID), or a BullMQ dead letter's `<queue>/<job id>`. */
const key = z
  .string()
  .max(KEY_MAX, `a broker message key of at most ${KEY_MAX} characters`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:\/-]*$/, 'a broker message key');

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
    .max(REASON_MAX, `keep the reason under ${REASON_MAX} characters`),
});
export type DiscardRequest = z.infer<typeof discardRequestSchema>;
