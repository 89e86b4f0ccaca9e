const UNITS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Kafka's retention.ms for "kept forever". */
export const RETAIN_FOREVER = -1;

/**
 * A declared retention (`7d`, `168h`, `30 min`, `604800000ms`, `forever`,
 * `-1`) in milliseconds, as Kafka's retention.ms counts it; undefined when
 * the text is not one of these forms, so it is not compared.
 */
export function parseRetention(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim().toLocaleLowerCase('en-US');
  if (['forever', 'infinite', 'unlimited', '-1'].includes(value)) {
    return RETAIN_FOREVER;
  }
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d|w)?$/.exec(value);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2] ?? 'ms'];
  return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : undefined;
}

/** retention.ms in the largest whole unit: 604800000 → "7d", 90000 → "90s". */
export function formatRetention(ms: number): string {
  if (ms < 0) return 'forever';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNITS[unit];
    if (ms >= size && ms % size === 0) {
      // Weeks read less well than days for the usual 7 or 14 days.
      if (unit === 'w') continue;
      return `${ms / size}${unit}`;
    }
  }
  return `${ms}ms`;
}
