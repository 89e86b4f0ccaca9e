import { InputError } from '@backstage/errors';
import {
  DeadLetter,
  DeadLetterList,
  QueueBacklog,
} from '@internal/plugin-dlq-common';
import { z } from 'zod';
import { BeforeChange } from './beforeChange';

/**
 * Where the next page starts: the last dead letter examined, in the order
 * pages are listed (newest first, then queue priority, then key).
 */
export interface ListCursor {
  /** Dead-letter time in ms. */
  at: number;
  queue: string;
  key: string;
}

/** What to list: one page, with the filters a user set. */
export interface ListQuery {
  limit: number;
  cursor?: ListCursor;
  /** Only this queue. */
  queue?: string;
  /** Dead-lettered at or before / at or after these times (ms). */
  deadLetteredBefore?: number;
  deadLetteredAfter?: number;
  /**
   * The filters on a dead letter's content (actor, error type, text), as a
   * test on the dead letter the user would see (masked): text search never
   * finds what masking hides.
   */
  matches?: (letter: DeadLetter) => boolean;
}

export type DeadLetterPage = Pick<
  DeadLetterList,
  'queues' | 'items' | 'total' | 'exact' | 'nextCursor'
>;

/**
 * The dead letters of one source (an entity's annotation), whatever broker
 * keeps them. The router picks the store in one place (storeOf) and never
 * knows the broker's layout.
 */
export interface DeadLetterStore {
  list(query: ListQuery): Promise<DeadLetterPage>;
  /** Its queues' live state. */
  backlog(): Promise<QueueBacklog[]>;
  /** `beforeChange` runs once the dead letter is read, before it changes. */
  replay(
    queue: string,
    key: string,
    beforeChange: BeforeChange,
  ): Promise<DeadLetter>;
  discard(
    queue: string,
    key: string,
    beforeChange: BeforeChange,
  ): Promise<DeadLetter>;
}

const cursorShape = z.strictObject({
  at: z.number().finite(),
  queue: z.string().min(1).max(100),
  key: z.string().min(1).max(200),
});

/** The opaque `cursor` of the API: base64url JSON. */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(value: string): ListCursor {
  try {
    const json = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    return cursorShape.parse(json);
  } catch {
    throw new InputError(
      'Invalid query cursor: not a cursor this API gave (use nextCursor of the previous page as it is)',
    );
  }
}

/**
 * The error a dead letter died of: the exception a Python traceback ends
 * with (`psycopg.OperationalError`), or the first line of a JavaScript
 * stack (`Error`, `TypeError`) for BullMQ jobs.
 */
export function errorTypeOf(letter: DeadLetter): string | undefined {
  const lines = (letter.traceback ?? '')
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);
  const line = lines[0]?.startsWith('Traceback')
    ? lines[lines.length - 1]
    : lines[0];
  return /^([A-Za-z_][\w.]*)(?::|$)/.exec(line ?? '')?.[1];
}
