import { BoundedCache } from './BoundedCache';

describe('BoundedCache', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new BoundedCache<string>({
      maxEntries: 2,
      maxBytes: 1e6,
      ttlMs: 60_000,
    });
    cache.set('a', '1');
    cache.set('b', '2');
    cache.get('a');
    cache.set('c', '3');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('1');
    expect(cache.size).toBe(2);
  });

  it('keeps at most maxBytes, and never a value bigger than that', () => {
    const cache = new BoundedCache<string>({
      maxEntries: 1000,
      maxBytes: 1024,
      ttlMs: 60_000,
    });
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, 'x'.repeat(100));
    expect(cache.bytes).toBeLessThanOrEqual(1024);
    expect(cache.size).toBeLessThan(11);
    cache.set('huge', 'y'.repeat(256 * 1024));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.bytes).toBeLessThanOrEqual(1024);
  });

  it('forgets entries after their time to live', async () => {
    const cache = new BoundedCache<string>({
      maxEntries: 10,
      maxBytes: 1e6,
      ttlMs: 30,
    });
    cache.set('a', '1');
    expect(cache.get('a')).toBe('1');
    await new Promise(r => setTimeout(r, 60));
    expect(cache.get('a')).toBeUndefined();
  });

  it('loads once and serves the cached value after', async () => {
    const cache = new BoundedCache<{ n: number }>({
      maxEntries: 10,
      maxBytes: 1e6,
      ttlMs: 60_000,
    });
    const load = jest.fn(async () => ({ n: 1 }));
    await cache.getOrLoad('a', load);
    expect(await cache.getOrLoad('a', load)).toEqual({ n: 1 });
    expect(load).toHaveBeenCalledTimes(1);
  });
});
