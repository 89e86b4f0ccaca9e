import { createHash } from 'node:crypto';

/**
 * Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header): a client
 * retrying a write sends the same key; the service answers with the first
 * response instead of writing twice. The key is bound to the request it came
 * with through a fingerprint, so reusing a key for a different request is an
 * error, not a silent replay. (The key's format is checked against the
 * OpenAPI document before a request gets here.)
 */
/** JSON with object keys sorted, so `{a,b}` and `{b,a}` fingerprint alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Method, path and body: what makes two requests "the same request". */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: unknown;
}

export type ReplayDecision =
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'key-reused' };

/** What to answer when a key was already used. */
export function decideReplay(stored: StoredResponse, fingerprint: string): ReplayDecision {
  return stored.fingerprint === fingerprint
    ? { kind: 'replay', status: stored.status, body: stored.body }
    : { kind: 'key-reused' };
}
