import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  decideReplay,
  requestFingerprint,
} from '../../../src/app/domain/accounts/idempotency';

describe('idempotency', () => {
  it('serialises objects with sorted keys, at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });

  it('fingerprints the same request alike whatever the key order', () => {
    const a = requestFingerprint('POST', '/v1/accounts/x/transactions', { type: 'credit', amount: 5 });
    const b = requestFingerprint('post', '/v1/accounts/x/transactions', { amount: 5, type: 'credit' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fingerprints different bodies, paths or methods differently', () => {
    const base = requestFingerprint('POST', '/p', { amount: 5 });
    expect(requestFingerprint('POST', '/p', { amount: 6 })).not.toBe(base);
    expect(requestFingerprint('POST', '/q', { amount: 5 })).not.toBe(base);
    expect(requestFingerprint('PUT', '/p', { amount: 5 })).not.toBe(base);
  });

  it('replays the stored response only for the same fingerprint', () => {
    const stored = { fingerprint: 'abc', status: 201, body: { id: 1 } };
    expect(decideReplay(stored, 'abc')).toEqual({ kind: 'replay', status: 201, body: { id: 1 } });
    expect(decideReplay(stored, 'abd')).toEqual({ kind: 'key-reused' });
  });
});
