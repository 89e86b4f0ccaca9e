/**
 * Which dead letters an entity shows, as `<broker>:<actors>`:
 *
 * - `dramatiq:ledger.` — the Dramatiq dead letters whose actor name starts
 *   with `ledger.` (actors are named `<domain>.<action>`, so one prefix is
 *   one service);
 * - `dramatiq:*` — every Dramatiq dead letter (the `dramatiq-dead-letter`
 *   resource: the platform's view);
 * - `bullmq:svc-rewards` — the dead letters a golden-path service keeps in
 *   its hash `svc-rewards:dead-letter`, for its BullMQ queues
 *   `svc-rewards-<queue>` (key prefix `bull`).
 */
export const DEAD_LETTERS_ANNOTATION = 'local-plus.io/dead-letters';

export type DeadLetterSource =
  | {
      broker: 'dramatiq';
      /** Actor-name prefix, or undefined for every actor. */
      actorPrefix?: string;
    }
  | {
      broker: 'bullmq';
      /** The service name: its hash `<service>:dead-letter`, queues `<service>-<queue>`. */
      service: string;
    };

const ANNOTATION_VALUE = /^dramatiq:(\*|[a-z][a-z0-9_]*\.)$/;
const BULLMQ_VALUE = /^bullmq:([a-z][a-z0-9-]{1,62})$/;

/**
 * The source an annotation value names, or an explanation of why it names
 * none (shown on the entity, so the owner can fix the catalog file).
 */
export function parseDeadLetterSource(
  value: string,
): { source: DeadLetterSource } | { error: string } {
  const bullmq = BULLMQ_VALUE.exec(value.trim());
  if (bullmq) return { source: { broker: 'bullmq', service: bullmq[1] } };
  const match = ANNOTATION_VALUE.exec(value.trim());
  if (!match) {
    return {
      error: `${DEAD_LETTERS_ANNOTATION} is "${value}"; expected dramatiq:<actor prefix ending in a dot> (e.g. dramatiq:ledger.), dramatiq:* or bullmq:<service name>`,
    };
  }
  return {
    source: {
      broker: 'dramatiq',
      actorPrefix: match[1] === '*' ? undefined : match[1],
    },
  };
}
