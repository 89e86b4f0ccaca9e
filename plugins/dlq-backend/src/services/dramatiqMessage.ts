import { DeadLetter, DeadLetterSource } from '@internal/plugin-dlq-common';
import { z } from 'zod';
import { LinkTemplate } from '../config';

/**
 * Dramatiq's Message.asdict() as its JSON encoder stores it. Loose: other
 * fields (and other options) are kept as they are.
 */
const dramatiqMessage = z.looseObject({
  queue_name: z.string(),
  actor_name: z.string().min(1),
  args: z.array(z.unknown()),
  kwargs: z.record(z.string(), z.unknown()),
  options: z
    .looseObject({
      redis_message_id: z.string().optional(),
      retries: z.number().int().nonnegative().optional(),
      traceback: z.string().nullable().optional(),
    })
    .optional(),
  message_id: z.string().min(1),
  message_timestamp: z.number(),
});
export type DramatiqMessage = z.infer<typeof dramatiqMessage>;

/** An entity's Dramatiq dead letters: `dramatiq:<actor prefix>` or `dramatiq:*`. */
export type DramatiqSource = Extract<DeadLetterSource, { broker: 'dramatiq' }>;

/** The stored JSON as a Dramatiq message, or why it is not one. */
export function parseStoredMessage(
  raw: string | null,
  hashKey: string,
): { message: DramatiqMessage } | { unreadable: string } {
  if (raw === null) {
    return { unreadable: `the message is missing from ${hashKey}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { unreadable: `not JSON (${(error as Error).message})` };
  }
  const parsed = dramatiqMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return { unreadable: `not a Dramatiq message (${where}${issue.message})` };
  }
  return { message: parsed.data };
}

/** Whether a dead letter is one of the source's (an unreadable one only on `*`). */
export function belongsTo(
  source: DramatiqSource,
  actor: string | undefined,
): boolean {
  if (!source.actorPrefix) return true;
  return actor !== undefined && actor.startsWith(source.actorPrefix);
}

/** Dramatiq's scores and timestamps are milliseconds; nonsense becomes undefined. */
export function isoFromMs(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function renderLinks(
  templates: LinkTemplate[],
  values: { messageId?: string; actor?: string; queue: string },
): DeadLetter['links'] {
  const links: DeadLetter['links'] = [];
  for (const { title, urlTemplate } of templates) {
    let complete = true;
    const url = urlTemplate.replace(
      /\{(messageId|actor|queue)\}/g,
      (_, name: keyof typeof values) => {
        const value = values[name];
        if (value === undefined) complete = false;
        return encodeURIComponent(value ?? '');
      },
    );
    // A link without the message id would point at the wrong events.
    if (complete) links.push({ title, url });
  }
  return links;
}

export function toDeadLetter(options: {
  queue: string;
  key: string;
  /** The score in `<queue>.XQ`: when it was dead-lettered, in ms. */
  score: number;
  stored: ReturnType<typeof parseStoredMessage>;
  deadMessageTtlMs: number;
  links: LinkTemplate[];
}): DeadLetter {
  const { queue, key, score, stored } = options;
  const deadLetteredAt = isoFromMs(score) ?? new Date(0).toISOString();
  const expiresAt =
    isoFromMs(score + options.deadMessageTtlMs) ?? deadLetteredAt;
  if ('unreadable' in stored) {
    return {
      queue,
      key,
      deadLetteredAt,
      expiresAt,
      links: [],
      unreadable: stored.unreadable,
    };
  }
  const m = stored.message;
  return {
    queue,
    key,
    messageId: m.message_id,
    actor: m.actor_name,
    args: m.args,
    kwargs: m.kwargs,
    retries: m.options?.retries,
    attempts:
      m.options?.retries === undefined ? undefined : m.options.retries + 1,
    traceback: m.options?.traceback ?? undefined,
    enqueuedAt: isoFromMs(m.message_timestamp),
    deadLetteredAt,
    expiresAt,
    links: renderLinks(options.links, {
      messageId: m.message_id,
      actor: m.actor_name,
      queue,
    }),
  };
}

/**
 * The message to enqueue again, as the runbook promises: the same
 * message_id, on its canonical queue (without `.DQ`), retries reset, a new
 * broker id, and no eta (it runs now). Everything else is kept as stored.
 */
export function replayedMessage(
  raw: string,
  queue: string,
  newRedisId: string,
): string {
  const message = JSON.parse(raw) as Record<string, unknown>;
  const options: Record<string, unknown> = {
    ...(message.options as Record<string, unknown> | undefined),
    retries: 0,
    redis_message_id: newRedisId,
  };
  delete options.eta;
  return JSON.stringify({ ...message, queue_name: queue, options });
}
