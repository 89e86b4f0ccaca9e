import { absolute, ago, lastLine, until } from './format';

const now = Date.UTC(2026, 10, 12, 12, 0, 0);
const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('format', () => {
  it('says how long ago, in the unit an engineer reads at a glance', () => {
    expect(ago(iso(-20 * 1000), now)).toBe('just now');
    expect(ago(iso(-12 * MINUTE), now)).toBe('12 min ago');
    expect(ago(iso(-3 * HOUR - 5 * MINUTE), now)).toBe('3 h ago');
    expect(ago(iso(-47 * HOUR), now)).toBe('47 h ago');
    expect(ago(iso(-3 * DAY), now)).toBe('3 days ago');
    expect(ago(undefined, now)).toBe('—');
  });

  it('never promises more time to replay than is left', () => {
    expect(until(iso(6 * DAY + 23 * HOUR), now)).toBe('in 6 days');
    expect(until(iso(5 * HOUR + 59 * MINUTE), now)).toBe('in 5 h');
    expect(until(iso(30 * 1000), now)).toBe('in 1 min');
    expect(until(iso(-1), now)).toBe('due to be purged');
  });

  it('gives the exact time in UTC', () => {
    expect(absolute(iso(0))).toBe('2026-11-12 12:00:00 UTC');
    expect(absolute(undefined)).toBe('');
  });

  it('takes the exception line of a traceback', () => {
    expect(
      lastLine(
        'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: bad\n\n',
      ),
    ).toBe('ValueError: bad');
    expect(lastLine(undefined)).toBe('');
  });
});
