import { parseEntityRef } from '@backstage/catalog-model';

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
