import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The template's name, as people say it: `svc-typescript` for
 * `template:default/svc-typescript` (the annotation holds an entity ref).
 */
export function templateName(template: string) {
  try {
    return parseEntityRef(template, {
      defaultKind: 'template',
      defaultNamespace: 'default',
    }).name;
  } catch {
    return template;
  }
}

/** A commit as git shows it in one line: its first 7 characters. */
export const shortCommit = (sha: string) => sha.slice(0, 7);

/** The HTTP status of a failed backend call, if it was one. */
export function statusOf(error: unknown): number | undefined {
  return ResponseError.is(error) ? error.statusCode : undefined;
}

/** What the backend said, rather than "Request failed with 503". */
export function messageOf(error: unknown): string {
  if (ResponseError.is(error)) {
    return error.cause.message || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
