import {
  CHECKS_BY_ID,
  CheckId,
  LevelOrNone,
} from '@internal/plugin-scorecards-common';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** "None", "Bronze", "Silver", "Gold". */
export const levelLabel = (level: LevelOrNone) =>
  level.charAt(0).toLocaleUpperCase('en-US') + level.slice(1);

/** The check's title, or its id for a check this frontend does not know. */
export const checkTitle = (id: CheckId | string) =>
  CHECKS_BY_ID.get(id as CheckId)?.title ?? id;

/** "3 h ago", "12 min ago", "2 days ago". */
export function ago(iso: string | undefined, now = Date.now()) {
  if (!iso) return '—';
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  if (ms < MINUTE) return 'just now';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < 2 * DAY) return `${Math.floor(ms / HOUR)} h ago`;
  return `${Math.floor(ms / DAY)} days ago`;
}

/** The same instant for every reader, whatever their time zone. */
export function absolute(iso: string | undefined) {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "12 Mar 2025". */
export function day(iso: string | number) {
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** "4.2 s", "850 ms", "2 min 5 s". */
export function duration(ms: number) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / MINUTE)} min ${Math.round((ms % MINUTE) / 1000)} s`;
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "67%" of services; "—" when there is none to count. */
export const percentOf = (part: number, whole: number) =>
  whole > 0 ? `${Math.round((part / whole) * 100)}%` : '—';
