import { createHash } from 'node:crypto';

const MAX_NAME = 63;

/**
 * A valid catalog entity name (letters, digits and `-_.` between them, at
 * most 63 characters) from any text. Names too long keep a readable start
 * and end with a short hash of the full text, so two long names that share
 * a prefix still differ.
 */
export function toEntityName(text: string): string {
  let name = text
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/[-_.]{2,}/g, m => m[0])
    .replace(/^[-_.]+|[-_.]+$/g, '');
  if (!name) name = 'unnamed';
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME - 9).replace(/[-_.]+$/, '')}-${hash}`;
}

/**
 * The entity name of a table: `<schema>-<table>` with `_` turned into `-`
 * (ledger.ledger_entries → ledger-ledger-entries), as the catalog named the
 * seed's tables before this provider existed.
 */
export function tableEntityName(
  schema: string,
  table: string,
  prefix = '',
): string {
  return toEntityName(`${prefix}${schema}-${table}`.replace(/_/g, '-'));
}
