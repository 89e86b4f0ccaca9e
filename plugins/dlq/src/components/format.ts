const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const span = (ms: number) => {
  if (ms < HOUR) return `${Math.max(1, Math.floor(ms / MINUTE))} min`;
  if (ms < 2 * DAY) return `${Math.floor(ms / HOUR)} h`;
  return `${Math.floor(ms / DAY)} days`;
};

/** "3 h ago", "12 min ago", "2 days ago". */
export function ago(iso: string | undefined, now = Date.now()) {
  if (!iso) return '—';
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  if (ms < MINUTE) return 'just now';
  return `${span(ms)} ago`;
}

/**
 * "in 6 days", "in 5 h", or, once past Dramatiq's dead_message_ttl, "due to
 * be purged": Dramatiq deletes it at its next maintenance run. "—" without
 * an expiry: BullMQ services keep their dead letters until handled.
 */
export function until(iso: string | undefined, now = Date.now()) {
  if (!iso) return '—';
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return '—';
  if (ms <= 0) return 'due to be purged';
  return `in ${span(ms)}`;
}

/** The same instant for everyone on call, whatever their time zone. */
export function absolute(iso: string | undefined) {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The line a Python traceback ends with: the exception and its message. */
export function lastLine(traceback: string | undefined) {
  const lines = (traceback ?? '')
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

export function pretty(value: unknown) {
  return JSON.stringify(value ?? null, null, 2);
}
