import { LRUCache } from 'lru-cache';

/** Limits of a BoundedCache. Both are required: entries alone let a few
 * huge values fill the memory, bytes alone let millions of tiny ones. */
export interface BoundedCacheOptions<V> {
  /** Most entries kept; the least recently used go first. */
  maxEntries: number;
  /** Most bytes kept, as measured by `sizeOf`; a bigger value is not kept. */
  maxBytes: number;
  /** How long an entry lives, in milliseconds. */
  ttlMs: number;
  /** Bytes of a value; by default its JSON in UTF-8 (strings as they are). */
  sizeOf?: (value: V, key: string) => number;
}

/** Default size: the UTF-8 bytes of the key and of the value's JSON. */
function defaultSize(value: unknown, key: string): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return Math.max(1, Buffer.byteLength(text) + Buffer.byteLength(key));
}

/**
 * An in-process cache bounded by entries and by bytes, with a time to live.
 * What every cache of the portal's plugins uses instead of a bare Map.
 */
export class BoundedCache<V extends {}> {
  private readonly lru: LRUCache<string, V>;

  constructor(readonly options: BoundedCacheOptions<V>) {
    const sizeOf = options.sizeOf ?? defaultSize;
    this.lru = new LRUCache<string, V>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      // A value over maxEntrySize is not stored (lru-cache drops it).
      maxEntrySize: options.maxBytes,
      sizeCalculation: (value, key) => Math.max(1, sizeOf(value, key)),
      ttl: options.ttlMs,
    });
  }

  get(key: string): V | undefined {
    return this.lru.get(key);
  }

  /** Keeps `value` unless it is bigger than the whole cache may hold. */
  set(key: string, value: V): void {
    this.lru.set(key, value);
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  /** The cached value, or the result of `load` (cached when it resolves). */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.lru.get(key);
    if (hit !== undefined) return hit;
    const value = await load();
    this.lru.set(key, value);
    return value;
  }

  get size(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }
}
