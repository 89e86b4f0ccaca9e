/** Timing helpers of the dead-letter benchmarks. */

/** Milliseconds since `start` (process.hrtime.bigint()). */
export const ms = (start: bigint) =>
  Number(process.hrtime.bigint() - start) / 1e6;

/** The `p` quantile (0 to 1) of some values. */
export const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
};

/** Runs `fn` `runs` times, one after the other: "p50 / p95" in ms. */
export async function timeRuns(runs: number, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(ms(start));
  }
  return `${pct(times, 0.5).toFixed(1)} / ${pct(times, 0.95).toFixed(1)}`;
}
