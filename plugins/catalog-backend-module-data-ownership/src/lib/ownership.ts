import { OwnershipState } from '@internal/plugin-data-ownership-common';
import { toEntityRef } from './refs';

/** Where a claim on a table came from. */
export type ClaimSource = 'comment' | 'config' | 'declared';
export type Claim = { service: string; source: ClaimSource };

/**
 * The services a table comment names. Generated services write
 * `COMMENT ON TABLE … IS 'owned-by: <service>'`; the comment may hold other
 * text around it, and may name several services separated by commas (which
 * makes the table conflicting). Of each comma-separated part only the first
 * word counts, so `owned-by: svc-ledger (CRUD)` names svc-ledger.
 */
export function servicesFromComment(comment?: string | null): string[] {
  if (!comment) return [];
  const services: string[] = [];
  for (const match of comment.matchAll(/owned-by:\s*([^\n;]*)/gi)) {
    for (const part of match[1].split(',')) {
      const word = part
        .trim()
        .split(/\s+/)[0]
        ?.replace(/[.,;:)]+$/, '');
      const ref = word ? toEntityRef(word, 'component') : undefined;
      if (ref && !services.includes(ref)) services.push(ref);
    }
  }
  return services;
}

/** The owner the config maps `schema.table` to: exact key first, then `schema.*`. */
export function serviceFromMapping(
  owners: Record<string, string>,
  schema: string,
  table: string,
): string | undefined {
  return owners[`${schema}.${table}`] ?? owners[`${schema}.*`];
}

export type Ownership = {
  state: OwnershipState;
  /** The distinct services claiming the table. */
  services: string[];
  claims: Claim[];
};

/**
 * One table, one owner (seed VIII.3). The live claims (comment and config
 * mapping) decide; a declared owner counts only when no live source says
 * anything, since the database is the fresher truth.
 */
export function decideOwnership(live: Claim[], declared?: string): Ownership {
  const claims =
    live.length > 0 || !declared
      ? live
      : [{ service: declared, source: 'declared' as const }];
  const services = [...new Set(claims.map(c => c.service))];
  let state: OwnershipState = 'owned';
  if (services.length === 0) state = 'unowned';
  else if (services.length > 1) state = 'conflict';
  return { state, services, claims };
}
