import Redis from 'ioredis';

/** A dead letter's place: its queue, its member of `<q>.XQ`, its time in ms. */
export type Entry = { queue: string; key: string; score: number };

/** [member, score, member, score, …] → [[member, score], …] */
export function pairs(flat: string[]): [string, number][] {
  const result: [string, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    result.push([flat[i], Number(flat[i + 1])]);
  }
  return result;
}

/** ZRANGE BYSCORE bound: ±inf as Redis writes them. */
export function bound(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+inf';
  if (n === Number.NEGATIVE_INFINITY) return '-inf';
  return String(n);
}

/**
 * One queue's dead letters, newest first, a batch at a time: ZRANGE
 * BYSCORE REV from the last one given. Redis orders equal scores by member
 * (REV: descending), so the position is (score, member): at `from.score`,
 * only members below `from.below` are still to come ('' none of them,
 * undefined all of them). A run of equal scores longer than a batch is
 * stepped through with LIMIT's offset.
 */
export class QueueScan {
  from: { score: number; below: string | undefined };
  private offset = 0;
  private finished = false;

  constructor(
    private readonly redis: Redis,
    private readonly queue: string,
    private readonly xq: string,
    from: QueueScan['from'],
    private readonly min: number,
  ) {
    this.from = from;
  }

  async nextBatch(size: number): Promise<Entry[] | undefined> {
    while (!this.finished) {
      const { score: at, below } = this.from;
      const max = below === '' ? `(${bound(at)}` : bound(at);
      const flat = await this.redis.zrange(
        this.xq,
        max,
        bound(this.min),
        'BYSCORE',
        'REV',
        'LIMIT',
        this.offset,
        size,
        'WITHSCORES',
      );
      const got = pairs(flat);
      if (got.length < size) this.finished = true;
      const fresh = got.filter(
        ([key, s]) => !(below && s === at && key >= below),
      );
      if (fresh.length) {
        const [key, s] = fresh[fresh.length - 1];
        this.from = { score: s, below: key };
        this.offset = 0;
        return fresh.map(([k, sc]) => ({
          queue: this.queue,
          key: k,
          score: sc,
        }));
      }
      // A whole batch of equal scores already given: step over it.
      this.offset += got.length;
    }
    return undefined;
  }
}

/**
 * The answers of a pipeline, one after the other; an error answer
 * (WRONGTYPE: a key that is not what the broker writes) is thrown.
 */
export function pipelineAnswers(
  results: Array<[Error | null, unknown]> | null,
): () => unknown {
  let at = 0;
  return () => {
    const [error, value] = results?.[at++] ?? [null, undefined];
    if (error) throw error;
    return value;
  };
}
