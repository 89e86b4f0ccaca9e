import { describe, expect, it } from 'vitest';
import { canPost, canRead, ownerForNewAccount, type Caller } from '../../../src/app/domain/accounts/access';

const member = (subject: string): Caller => ({ subject, scopes: new Set() });
const service = (...scopes: string[]): Caller => ({ subject: 'svc-caller', scopes: new Set(scopes) });

describe('access to accounts', () => {
  it('lets a member act on their own account only, and never credit it', () => {
    expect(canRead(member('m-1'), 'm-1').allowed).toBe(true);
    expect(canRead(member('m-2'), 'm-1').allowed).toBe(false);
    expect(canPost(member('m-1'), 'debit', 'm-1').allowed).toBe(true);
    expect(canPost(member('m-2'), 'debit', 'm-1').allowed).toBe(false);
    expect(canPost(member('m-1'), 'credit', 'm-1').allowed).toBe(false);
  });

  it('lets services act through their scopes, whoever owns the account', () => {
    expect(canRead(service('accounts:read'), 'm-1').allowed).toBe(true);
    expect(canPost(service('accounts:read'), 'debit', 'm-1').allowed).toBe(false);
    expect(canPost(service('accounts:write'), 'credit', 'm-1').allowed).toBe(true);
    // A scope of another API grants nothing here, and does not make the caller a member.
    expect(canRead(service('orders:read'), 'svc-caller').allowed).toBe(true);
    expect(canRead(service('orders:read'), 'm-1').allowed).toBe(false);
  });

  it('gives a new account its owner', () => {
    expect(ownerForNewAccount(member('m-1'), undefined)).toEqual({ ok: true, ownerId: 'm-1' });
    expect(ownerForNewAccount(member('m-1'), 'm-1')).toEqual({ ok: true, ownerId: 'm-1' });
    expect(ownerForNewAccount(member('m-1'), 'm-2')).toMatchObject({ ok: false, status: 403 });
    expect(ownerForNewAccount(service('accounts:write'), 'm-2')).toEqual({ ok: true, ownerId: 'm-2' });
    expect(ownerForNewAccount(service('accounts:write'), undefined)).toMatchObject({ ok: false, status: 400 });
    expect(ownerForNewAccount(service('accounts:read'), 'm-2')).toMatchObject({ ok: false, status: 403 });
  });
});
