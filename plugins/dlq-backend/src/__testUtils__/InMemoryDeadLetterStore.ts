import { NotFoundError } from '@backstage/errors';
import { DeadLetter, QueueBacklog } from '@internal/plugin-dlq-common';
import { BeforeChange } from '../services/beforeChange';
import {
  DeadLetterPage,
  encodeCursor,
  ListQuery,
} from '../services/DeadLetterStore';
import { SourceStore } from '../services/storeOf';

/**
 * A DeadLetterStore in memory, for the router's tests: what the router does
 * with any store (permissions, masking, audit, filters, bulk), without a
 * broker. Listing follows the stores' order: newest first, then key.
 */
export class InMemoryDeadLetterStore implements SourceStore {
  readonly backlogScope = 'queue' as const;
  readonly actionScope = {};
  /** What replay put back on a queue: the original dead letters. */
  readonly replayed: DeadLetter[] = [];
  /** Set to make the next change fail after its audit row is written. */
  failNextChange?: Error;

  constructor(
    public letters: DeadLetter[],
    private readonly queueBacklog: QueueBacklog[] = [],
  ) {}

  private ordered() {
    return [...this.letters].sort(
      (a, b) =>
        Date.parse(b.deadLetteredAt) - Date.parse(a.deadLetteredAt) ||
        b.key.localeCompare(a.key),
    );
  }

  async list(query: ListQuery): Promise<DeadLetterPage> {
    const matching = this.ordered().filter(l => {
      const at = Date.parse(l.deadLetteredAt);
      if (query.queue && l.queue !== query.queue) return false;
      if (
        query.deadLetteredBefore !== undefined &&
        at > query.deadLetteredBefore
      )
        return false;
      if (query.deadLetteredAfter !== undefined && at < query.deadLetteredAfter)
        return false;
      return !query.matches || query.matches(l);
    });
    const start = query.cursor
      ? matching.findIndex(l => l.key === query.cursor!.key) + 1
      : 0;
    const items = matching.slice(start, start + query.limit);
    const last = items[items.length - 1];
    const queues = [...new Set(this.letters.map(l => l.queue))].map(queue => ({
      queue,
      depth: matching.filter(l => l.queue === queue).length,
    }));
    return {
      queues,
      total: matching.length,
      exact: true,
      items,
      nextCursor:
        last && start + query.limit < matching.length
          ? encodeCursor({
              at: Date.parse(last.deadLetteredAt),
              queue: last.queue,
              key: last.key,
            })
          : undefined,
    };
  }

  async backlog() {
    return this.queueBacklog;
  }

  private async change(queue: string, key: string, beforeChange: BeforeChange) {
    const letter = this.letters.find(l => l.queue === queue && l.key === key);
    if (!letter)
      throw new NotFoundError(`No dead letter ${key} on queue ${queue}`);
    await beforeChange(letter);
    if (this.failNextChange) {
      const error = this.failNextChange;
      this.failNextChange = undefined;
      throw error;
    }
    this.letters = this.letters.filter(l => l !== letter);
    return letter;
  }

  async replay(queue: string, key: string, beforeChange: BeforeChange) {
    const letter = await this.change(queue, key, beforeChange);
    this.replayed.push(letter);
    return letter;
  }

  async discard(queue: string, key: string, beforeChange: BeforeChange) {
    return this.change(queue, key, beforeChange);
  }
}
