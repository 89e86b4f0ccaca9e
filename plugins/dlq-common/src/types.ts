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
  /** Dramatiq's `options.retries` as stored (BullMQ: attempts made). */
  retries?: number;
  /**
   * Attempts made before it was dead-lettered: Dramatiq's retries plus the
   * first run, BullMQ's attemptsMade.
   */
  attempts?: number;
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
  /** Set when it was one of a bulk replay or discard. */
  bulkJobId?: number;
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

/*
 * Filters of the dead-letter list, the same in `GET /dead-letters` (query
 * strings) and in a bulk action's selection (JSON).
 */
export const ACTOR_PATTERN = /^[A-Za-z_][\w.]{0,199}$/;
export const ACTOR_MESSAGE =
  'expected an actor name such as ledger.rollback_transaction';
export const ERROR_TYPE_PATTERN = /^[A-Za-z_][\w.]{0,199}$/;
export const ERROR_TYPE_MESSAGE =
  'expected an error type such as psycopg.OperationalError';
export const QUEUE_FILTER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const searchText = z
  .string()
  .trim()
  .min(2, 'expected at least 2 characters to search for')
  .max(200, 'expected at most 200 characters to search for');

const ageMinutes = z
  .number({ error: 'expected a whole number of minutes' })
  .int('expected a whole number of minutes')
  .min(0, 'expected a whole number of minutes')
  .max(9_999_999, 'expected a whole number of minutes');

/** What a filter selects: the list's filters, as JSON. */
export const deadLetterFilterSchema = z
  .strictObject({
    queue: z.string().regex(QUEUE_FILTER_PATTERN, 'a queue name').optional(),
    actor: z.string().regex(ACTOR_PATTERN, ACTOR_MESSAGE).optional(),
    errorType: z
      .string()
      .regex(ERROR_TYPE_PATTERN, ERROR_TYPE_MESSAGE)
      .optional(),
    text: searchText.optional(),
    minAgeMinutes: ageMinutes.optional(),
    maxAgeMinutes: ageMinutes.optional(),
  })
  .refine(
    f =>
      f.minAgeMinutes === undefined ||
      f.maxAgeMinutes === undefined ||
      f.minAgeMinutes <= f.maxAgeMinutes,
    'minAgeMinutes is more than maxAgeMinutes',
  );
export type DeadLetterFilter = z.infer<typeof deadLetterFilterSchema>;

/** The most dead letters one bulk action may name; more: use a filter. */
export const BULK_MAX_KEYS = 1000;

/** Body of `POST /dead-letters/bulk`. */
export const bulkRequestSchema = z
  .strictObject({
    entityRef,
    action: z.enum(['replay', 'discard'], {
      error: 'expected replay or discard',
    }),
    /** Required to discard, as for one dead letter. */
    reason: z
      .string()
      .trim()
      .min(10, 'give a reason of at least 10 characters')
      .max(REASON_MAX, `keep the reason under ${REASON_MAX} characters`)
      .optional(),
    selection: z.union(
      [
        z.strictObject({
          keys: z
            .array(z.strictObject({ queue, key }))
            .min(1, 'select at least one dead letter')
            .max(
              BULK_MAX_KEYS,
              `select at most ${BULK_MAX_KEYS} dead letters, or use a filter`,
            ),
        }),
        z.strictObject({ filter: deadLetterFilterSchema }),
      ],
      { error: 'expected { keys: [{ queue, key }, …] } or { filter: {…} }' },
    ),
    /** Dead letters per second; at most deadLetters.bulk.maxRatePerSecond. */
    ratePerSecond: z
      .number()
      .int('expected a whole number per second')
      .min(1, 'expected at least 1 per second')
      .optional(),
  })
  .refine(b => b.action !== 'discard' || b.reason !== undefined, {
    message: 'give a reason to discard, of at least 10 characters',
    path: ['reason'],
  });
export type BulkRequest = z.infer<typeof bulkRequestSchema>;

/**
 * How a bulk job stands. `interrupted`: the backend that ran it stopped
 * before it ended (what it did is in the trail; start it again for the rest).
 */
export type BulkJobState =
  | 'running'
  | 'done'
  | 'cancelled'
  | 'failed'
  | 'interrupted';

/** A bulk replay or discard and its progress. */
export interface BulkJob {
  id: number;
  action: 'replay' | 'discard';
  state: BulkJobState;
  entityRef: string;
  selection: BulkRequest['selection'];
  reason?: string;
  ratePerSecond: number;
  /** What it set out to do: the keys given, or what the filter matched. */
  total?: number;
  /** False when the filter's count was a lower bound (scan budget). */
  totalExact: boolean;
  done: number;
  /** Already gone when reached (replayed or discarded by someone else, purged). */
  skipped: number;
  failed: number;
  /** The last failure, as the user is told it. */
  lastError?: string;
  by: string;
  cancelledBy?: string;
  startedAt: string;
  finishedAt?: string;
}
