import type { TransactionType } from './account';

/**
 * Who may do what with an account. Pure rules, applied by the HTTP routes to
 * the caller of a verified token:
 * - a member (a token without scopes) opens their own account, reads it and
 *   spends from it; crediting would mint money, so it is for services only;
 * - a service holding `accounts:read` reads any account; holding
 *   `accounts:write` it also opens accounts for a member and posts credits
 *   and debits on any account.
 */
export const SCOPES = {
  read: 'accounts:read',
  write: 'accounts:write',
} as const;

export interface Caller {
  subject: string;
  scopes: ReadonlySet<string>;
}

export type Access = { allowed: true } | { allowed: false; reason: string };

const allowed: Access = { allowed: true };
const refused = (reason: string): Access => ({ allowed: false, reason });

const isService = (caller: Caller) => caller.scopes.has(SCOPES.read) || caller.scopes.has(SCOPES.write);

/** The owner a new account gets, or why it cannot be opened. */
export function ownerForNewAccount(
  caller: Caller,
  requestedOwner: string | undefined,
): { ok: true; ownerId: string } | { ok: false; status: 400 | 403; reason: string } {
  if (caller.scopes.has(SCOPES.write)) {
    return requestedOwner
      ? { ok: true, ownerId: requestedOwner }
      : { ok: false, status: 400, reason: 'A service opens an account for a member: give ownerId' };
  }
  if (isService(caller)) return { ok: false, status: 403, reason: `Opening an account needs the ${SCOPES.write} scope` };
  if (requestedOwner !== undefined && requestedOwner !== caller.subject) {
    return { ok: false, status: 403, reason: 'A member opens accounts for themselves only' };
  }
  return { ok: true, ownerId: caller.subject };
}

export function canRead(caller: Caller, ownerId: string): Access {
  if (caller.scopes.has(SCOPES.read) || caller.scopes.has(SCOPES.write)) return allowed;
  if (isService(caller) || caller.subject !== ownerId) return refused('This account belongs to someone else');
  return allowed;
}

/** Whether the caller may post this kind of transaction on an account of `ownerId`. */
export function canPost(caller: Caller, type: TransactionType, ownerId: string): Access {
  if (caller.scopes.has(SCOPES.write)) return allowed;
  if (isService(caller)) return refused(`Posting a transaction needs the ${SCOPES.write} scope`);
  if (caller.subject !== ownerId) return refused('This account belongs to someone else');
  if (type === 'credit') return refused(`Only a service with the ${SCOPES.write} scope credits an account`);
  return allowed;
}
