import {
  DEFAULT_STALE_AFTER_DAYS,
  Runbook,
} from '@internal/plugin-runbooks-common';
import { parseEntityRef } from '@backstage/catalog-model';
import yaml from 'yaml';
import { z } from 'zod';

const isoDate = z.union([z.string(), z.date()]).transform((value, ctx) => {
  // YAML reads an unquoted 2026-10-14 as a date.
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || isNaN(Date.parse(text))) {
    ctx.addIssue({
      code: 'custom',
      message: `'${text}' is not a date like 2026-10-14`,
    });
    return z.NEVER;
  }
  return text;
});

/** The front matter every runbook starts with (see docs/runbooks/). */
export const runbookFrontMatterSchema = z.object({
  title: z.string().min(1).max(200),
  description: z.string().max(1000).optional(),
  alerts: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z_:][A-Za-z0-9_:]*$/, 'not a Prometheus alert name'),
    )
    .default([]),
  severity: z.enum(['page', 'ticket', 'info']),
  owner: z.string().refine(v => {
    try {
      parseEntityRef(v, { defaultKind: 'group' });
      return true;
    } catch {
      return false;
    }
  }, 'not an entity reference like group:default/product-team'),
  last_reviewed: isoDate,
});

export type RunbookFrontMatter = z.infer<typeof runbookFrontMatterSchema>;

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/**
 * Reads a runbook's front matter. Throws an Error whose message names the
 * field at fault; the caller reports it against the file.
 */
export function parseRunbookFrontMatter(markdown: string): RunbookFrontMatter {
  const match = FRONT_MATTER.exec(markdown);
  if (!match) {
    throw new Error('no front matter (a block between --- lines at the top)');
  }
  let data: unknown;
  try {
    data = yaml.parse(match[1]);
  } catch (error) {
    throw new Error(
      `front matter is not valid YAML: ${(error as Error).message}`,
    );
  }
  const parsed = runbookFrontMatterSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `front matter field '${issue.path.join('.') || '(root)'}': ${
        issue.message
      }`,
    );
  }
  return parsed.data;
}

/** Whole days between an ISO date and now. */
export function daysSince(isoDay: string, now: Date): number {
  const then = Date.parse(`${isoDay}T00:00:00Z`);
  return Math.floor((now.getTime() - then) / 86_400_000);
}

/** Builds the Runbook the API returns from a parsed file. */
export function toRunbook(options: {
  entityRef: string;
  id: string;
  frontMatter: RunbookFrontMatter;
  now: Date;
  staleAfterDays?: number;
}): Runbook {
  const { entityRef, id, frontMatter, now } = options;
  const staleAfter = options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS;
  const { kind, namespace, name } = parseEntityRef(entityRef);
  const daysSinceReview = daysSince(frontMatter.last_reviewed, now);
  return {
    entityRef,
    id,
    title: frontMatter.title,
    description: frontMatter.description,
    alerts: frontMatter.alerts,
    severity: frontMatter.severity,
    owner: frontMatter.owner,
    lastReviewed: frontMatter.last_reviewed,
    daysSinceReview,
    stale: daysSinceReview > staleAfter,
    docsPath: `/docs/${namespace}/${kind.toLocaleLowerCase(
      'en-US',
    )}/${name}/runbooks/${id}/`,
  };
}
