import { z } from 'zod';
import { discardRequestSchema, replayRequestSchema } from './types';

describe('the request bodies', () => {
  // The backend stores these values in its audit table: each one needs a
  // maximum length for the table's columns to be sized from.
  it.each([
    ['replay', replayRequestSchema],
    ['discard', discardRequestSchema],
  ] as const)('bound every string of a %s', (_name, schema) => {
    for (const [field, value] of Object.entries(schema.shape)) {
      expect([field, (value as z.ZodString).maxLength]).toEqual([
        field,
        expect.any(Number),
      ]);
    }
  });

  it('accepts the longest values and refuses longer ones, saying why', () => {
    const entityRef = `component:default/${'a'.repeat(255 - 18)}`;
    const key = `a${'b'.repeat(199)}`;
    const queue = `q${'u'.repeat(99)}`;
    expect(
      replayRequestSchema.safeParse({ entityRef, queue, key }).success,
    ).toBe(true);
    for (const [field, body, message] of [
      ['entityRef', { entityRef: `${entityRef}a`, queue, key }, '255'],
      ['queue', { entityRef, queue: `${queue}e`, key }, '100'],
      ['key', { entityRef, queue, key: `${key}c` }, '200'],
    ] as const) {
      const parsed = replayRequestSchema.safeParse(body);
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0].path).toEqual([field]);
      expect(parsed.error!.issues[0].message).toContain(message);
    }
  });

  it('keeps the shapes of keys and queues', () => {
    const base = { entityRef: 'component:default/svc-ledger' };
    for (const [queue, key] of [
      ['critical', 'critical/12'],
      ['default', '1f0c9a3e-5b7d-4c1e-9a0b-2d3e4f5a6b7c'],
    ]) {
      expect(
        replayRequestSchema.safeParse({ ...base, queue, key }).success,
      ).toBe(true);
    }
    for (const [queue, key] of [
      ['-critical', 'k'],
      ['critical', '/k'],
      ['critical', 'k with spaces'],
      ['', 'k'],
    ]) {
      expect(
        replayRequestSchema.safeParse({ ...base, queue, key }).success,
      ).toBe(false);
    }
  });
});
