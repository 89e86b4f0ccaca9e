import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityRunbooks } from '@internal/plugin-runbooks-common';
import { DEFAULT_DOCS_CONFIG, RunbookDocsConfig } from '../config';
import { RunbookReader } from './RunbookReader';

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
});

/** About `bytes` of runbooks: one problem with a long message. */
const runbooksOf = (bytes: number): EntityRunbooks => ({
  runbooks: [],
  problems: [{ file: 'runbooks/x.md', message: 'x'.repeat(bytes) }],
});

const reader = (
  find: (e: Entity) => Promise<EntityRunbooks>,
  docs: Partial<RunbookDocsConfig> = {},
) =>
  new RunbookReader({
    finder: { find },
    logger: mockServices.logger.mock(),
    config: { ...DEFAULT_DOCS_CONFIG, ...docs },
  });

describe('RunbookReader', () => {
  it('keeps its cache within its entries and bytes however many entities it reads', async () => {
    const limits = { maxEntries: 50, maxBytes: 200_000, maxAgeMs: 60_000 };
    const r = reader(async () => runbooksOf(10_000), { cache: limits });
    for (let i = 0; i < 300; i++) {
      expect((await r.read(entity(`svc-${i}`))).ok).toBe(true);
    }
    const known = (r as any).known;
    expect(known.size).toBeLessThanOrEqual(50);
    expect(known.bytes).toBeLessThanOrEqual(200_000);
    // 10 KB each: the bytes bind before the entries do.
    expect(known.size).toBeLessThan(21);
    expect(r.inFlight).toBe(0);

    // Runbooks bigger than the whole cache are served, not kept.
    const huge = reader(async () => runbooksOf(300_000), { cache: limits });
    expect((await huge.read(entity('svc-huge'))).ok).toBe(true);
    expect((huge as any).known.size).toBe(0);
  });

  it('keeps its failures within bounds too', async () => {
    const r = reader(
      async e => {
        throw new Error(`${e.metadata.name} ${'y'.repeat(5000)}`);
      },
      { cache: { maxEntries: 20, maxBytes: 64 * 20_000, maxAgeMs: 60_000 } },
    );
    for (let i = 0; i < 200; i++) {
      expect((await r.read(entity(`svc-${i}`))).ok).toBe(false);
    }
    const failures = (r as any).failures;
    expect(failures.size).toBeLessThanOrEqual(20);
    expect(failures.bytes).toBeLessThanOrEqual(failures.options.maxBytes);
  });

  it('reads an entity once however many requests ask for it at the same time', async () => {
    let calls = 0;
    const r = reader(async () => {
      calls += 1;
      await new Promise(resolve => setTimeout(resolve, 20));
      return runbooksOf(10);
    });
    const reads = await Promise.all(
      Array.from({ length: 20 }, () => r.read(entity('svc-ledger'))),
    );
    expect(reads.every(x => x.ok)).toBe(true);
    expect(calls).toBe(1);
  });
});
