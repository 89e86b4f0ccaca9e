import {
  DEAD_LETTER_TICKET_THRESHOLD,
  DeadLetterQueueDepth,
} from '@internal/plugin-dlq-common';

/**
 * How urgent a queue's dead letters are, following the
 * DramatiqDeadLetterQueueGrowing alert rules of the runbook: any dead letter
 * on `critical` pages, more than 10 on another queue opens a ticket. The
 * same for a BullMQ service's queues, which have the same names.
 */
export type QueueState = 'page' | 'ticket' | 'watch' | 'ok';

export const TICKET_THRESHOLD = DEAD_LETTER_TICKET_THRESHOLD;

export function queueState(q: DeadLetterQueueDepth): QueueState {
  if (q.depth <= 0) return 'ok';
  if (q.queue === 'critical') return 'page';
  if (q.depth > TICKET_THRESHOLD) return 'ticket';
  return 'watch';
}

const RANK: Record<QueueState, number> = {
  page: 3,
  ticket: 2,
  watch: 1,
  ok: 0,
};

export function worstState(queues: DeadLetterQueueDepth[]): QueueState {
  return queues
    .map(queueState)
    .reduce<QueueState>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');
}

// Queues by priority (runbook: "How queues and dead letters work"): Dramatiq's,
// and a BullMQ service's own (the same names, without `scheduled`).
const PRIORITY = ['critical', 'high', 'default', 'low', 'scheduled'];

/** Highest priority first; queues the runbook does not know, by name. */
export function byPriority<T extends { queue: string }>(queues: T[]): T[] {
  const rank = (q: string) => {
    const i = PRIORITY.indexOf(q);
    return i === -1 ? PRIORITY.length : i;
  };
  return [...queues].sort(
    (a, b) => rank(a.queue) - rank(b.queue) || a.queue.localeCompare(b.queue),
  );
}
