import { DeadLetter, DeadLetterSource } from '@internal/plugin-dlq-common';
import { z } from 'zod';
import { LinkTemplate } from '../config';
import { renderLinks } from './dramatiqMessage';

/** A golden-path service's BullMQ dead letters: `bullmq:<service>`. */
export type BullmqSource = Extract<DeadLetterSource, { broker: 'bullmq' }>;

/** The queues of the golden path's job system, most urgent first. */
export const BULLMQ_QUEUES = ['critical', 'high', 'default', 'low'] as const;

const isoDate = z
  .string()
  .refine(s => !Number.isNaN(Date.parse(s)), 'expected an ISO date')
  .transform(s => new Date(s).toISOString());

/**
 * One value of the hash `<service>:dead-letter`, as the service's
 * DeadLetterStore writes it. Loose: fields added later are kept. Records
 * written before the retry policy was stored lack `attempts`/`backoffMs`.
 */
const bullmqRecord = z.looseObject({
  id: z.string().optional(),
  queue: z.string().optional(),
  jobId: z.string().min(1),
  jobName: z.string().min(1),
  data: z.unknown(),
  failedReason: z.string().default(''),
  stacktrace: z.array(z.string()).default([]),
  attemptsMade: z.number().int().nonnegative(),
  attempts: z.number().int().positive().default(1),
  backoffMs: z.number().int().nonnegative().default(0),
  enqueuedAt: isoDate,
  deadLetteredAt: isoDate,
});
export type BullmqRecord = z.infer<typeof bullmqRecord>;

/** The stored JSON as a dead-letter record, or why it is not one. */
export function parseBullmqRecord(
  raw: string,
): { record: BullmqRecord } | { unreadable: string; deadLetteredAt?: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { unreadable: `not JSON (${(error as Error).message})` };
  }
  const parsed = bullmqRecord.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    // Still sorted by its time when that much can be read.
    const at = isoDate.safeParse((json as any)?.deadLetteredAt);
    return {
      unreadable: `not a BullMQ dead letter (${where}${issue.message})`,
      deadLetteredAt: at.success ? at.data : undefined,
    };
  }
  return { record: parsed.data };
}

/** A hash field and its value as the portal shows it. */
export function bullmqDeadLetter(options: {
  queue: string;
  key: string;
  stored: ReturnType<typeof parseBullmqRecord>;
  links: LinkTemplate[];
}): DeadLetter {
  const { queue, key, stored } = options;
  if ('unreadable' in stored) {
    return {
      queue,
      key,
      deadLetteredAt: stored.deadLetteredAt ?? new Date(0).toISOString(),
      links: [],
      unreadable: stored.unreadable,
    };
  }
  const r = stored.record;
  return {
    queue,
    key,
    messageId: r.jobId,
    actor: r.jobName,
    args: [r.data],
    kwargs: {},
    retries: r.attemptsMade,
    attempts: r.attemptsMade,
    traceback: r.stacktrace.length
      ? r.stacktrace.join('\n')
      : r.failedReason || undefined,
    enqueuedAt: r.enqueuedAt,
    deadLetteredAt: r.deadLetteredAt,
    links: renderLinks(options.links, {
      messageId: r.jobId,
      actor: r.jobName,
      queue,
    }),
  };
}
