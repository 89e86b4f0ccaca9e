import { ResourceRef } from '@internal/plugin-kyverno-common';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

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

/** The same instant for every reviewer, whatever their time zone. */
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

/** Whole days since a finding was first seen. */
export function daysOpen(firstSeen: string, now = Date.now()) {
  const ms = now - Date.parse(firstSeen);
  return Number.isNaN(ms) ? undefined : Math.max(0, Math.floor(ms / DAY));
}

/** "open for 12 days", "open for 1 day", "open for less than a day". */
export function openFor(firstSeen: string, now = Date.now()) {
  const days = daysOpen(firstSeen, now);
  if (days === undefined) return '—';
  if (days === 0) return 'open for less than a day';
  return `open for ${days} day${days === 1 ? '' : 's'}`;
}

/** "Deployment svc-ledger/api", "Namespace svc-ledger". */
export function resourceLabel(r: ResourceRef) {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * A remediation page is a path in the portal's docs: a link from the app's
 * root (`/docs/...`), never relative to the current page. Full URLs stay.
 */
export function appPath(path: string) {
  if (/^https?:\/\//i.test(path)) return path;
  return `/${path.replace(/^\/+/, '')}`;
}
