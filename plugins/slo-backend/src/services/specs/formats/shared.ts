import { z } from 'zod';
import { WINDOW_PLACEHOLDER } from '../SloSpec';

// Schemas and helpers that more than one format uses, and the messages of
// zod's issues.

/** A type error's message; "missing (…)" when the field is not there. */
const expected =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? `missing (${what})` : what;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const name = z
  .string({ error: expected('expected a name') })
  .regex(NAME, { error: 'expected a name of letters, digits, ".", "-", "_"' });

export const hasWindow = (q: string) => q.search(WINDOW_PLACEHOLDER) >= 0;

/**
 * Why a query could reach outside its own parentheses, if it could. The
 * backend wraps each SLI query in its own expression and joins many into
 * one query: a query with unbalanced brackets or a comment could close that
 * wrapper and change the numbers of other services' SLOs.
 */
export function notSelfContained(q: string): string | undefined {
  const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const open: string[] = [];
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === '"' || c === "'" || c === '`') {
      // A string literal: skip to its end (backslash escapes, except in `…`).
      let j = i + 1;
      while (j < q.length && q[j] !== c)
        j += c !== '`' && q[j] === '\\' ? 2 : 1;
      if (j >= q.length) return 'has a string that is not closed';
      i = j;
    } else if (c === '#') {
      return 'must not contain a comment (#)';
    } else if (closing[c]) {
      open.push(c);
    } else if (c === ')' || c === ']' || c === '}') {
      const last = open.pop();
      if (!last || closing[last] !== c) return `has an unbalanced "${c}"`;
    }
  }
  return open.length ? `has an unclosed "${open[open.length - 1]}"` : undefined;
}

export const query = z
  .string({ error: expected('expected a PromQL query') })
  .trim()
  .min(1, { error: 'expected a PromQL query' })
  .superRefine((q, ctx) => {
    const problem = notSelfContained(q);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
/** A Sloth query: PromQL with {{.window}} where the window goes. */
export const windowQuery = query.refine(hasWindow, {
  error: 'must contain {{.window}} where the window goes',
});

const PERCENT = 'expected a number between 0 and 100';
export const percent = z
  .number({ error: expected(PERCENT) })
  .gt(0, { error: PERCENT })
  .lt(100, { error: PERCENT });
const RATIO = 'expected a number between 0 and 1';
export const ratio = z
  .number({ error: expected(RATIO) })
  .gt(0, { error: RATIO })
  .lt(1, { error: RATIO });

/** An objective in percent as a ratio: 99.9 → 0.999. */
export function percentToRatio(objective: number): number {
  // 99.9 / 100 is 0.9990000000000001 in floating point.
  return Number((objective / 100).toPrecision(12));
}

/** A document's top-level fields; none if it is not a mapping. */
export function topLevel(value: unknown): Record<string, unknown> {
  return (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
}

/** Where a zod issue is, e.g. `spec.slos[0].objective`. */
export function fieldOf(path: PropertyKey[]): string {
  return path
    .map((p, i) =>
      typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`,
    )
    .join('');
}

/** What a zod issue says is wrong. */
export function detailOf(issue: z.core.$ZodIssue): string {
  // zod says "expected string, received undefined" for a missing field.
  if (
    issue.code === 'invalid_type' &&
    /received undefined$/.test(issue.message)
  ) {
    return `missing (expected ${issue.expected})`;
  }
  return issue.message;
}
