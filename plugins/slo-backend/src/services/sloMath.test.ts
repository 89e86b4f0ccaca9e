import {
  alertState,
  burnDownByEvents,
  burnDownByTime,
  computeSloStatus,
  hourlyRange,
} from './sloMath';
import { unionChunks } from './promql';

describe('computeSloStatus', () => {
  // svc-ledger, 99.9% over 30 days: a budget of 0.1%, i.e. 43.2 minutes.
  const ledger = {
    service: 'svc-ledger',
    slo: 'requests-availability',
    objective: 0.999,
    windowDays: 30,
  };

  it('computes the budget, burn rates and time to exhaustion by hand', () => {
    const status = computeSloStatus({
      ...ledger,
      windowErrorRatio: 0.0004, // 40% of the budget spent
      errorRatios: { '5m': 0.03, '30m': 0.01, '1h': 0.02, '6h': 0.002 },
    });
    expect(status.sli).toBeCloseTo(0.9996, 10);
    expect(status.errorBudget.totalRatio).toBeCloseTo(0.001, 10);
    expect(status.errorBudget.totalMinutes).toBeCloseTo(43.2, 10);
    expect(status.errorBudget.remainingRatio).toBeCloseTo(0.6, 10);
    expect(status.errorBudget.remainingMinutes).toBeCloseTo(25.92, 10);
    expect(status.burnRates['5m']).toBeCloseTo(30, 10);
    expect(status.burnRates['1h']).toBeCloseTo(20, 10);
    expect(status.burnRates['6h']).toBeCloseTo(2, 10);
    expect(status.alert).toBe('page');
    // 60% of 720 hours of budget, spent 20 times too fast: 21.6 hours.
    expect(status.hoursToExhaustion).toBeCloseTo(21.6, 10);
  });

  it('reports an overspent budget as negative and exhausted now', () => {
    const status = computeSloStatus({
      ...ledger,
      windowErrorRatio: 0.0015,
      errorRatios: { '1h': 0.0005 },
    });
    expect(status.errorBudget.remainingRatio).toBeCloseTo(-0.5, 10);
    expect(status.errorBudget.remainingMinutes).toBeCloseTo(-21.6, 10);
    expect(status.hoursToExhaustion).toBe(0);
  });

  it('is never exhausted when nothing burns, and unknown without data', () => {
    const calm = computeSloStatus({
      ...ledger,
      windowErrorRatio: 0,
      errorRatios: { '1h': 0 },
    });
    expect(calm.hoursToExhaustion).toBeNull();
    expect(calm.errorBudget.remainingRatio).toBe(1);
    const empty = computeSloStatus({ ...ledger, errorRatios: {} });
    expect(empty.sli).toBeUndefined();
    expect(empty.errorBudget.remainingRatio).toBeUndefined();
    expect(empty.alert).toBe('ok');
  });
});

describe('alertState', () => {
  it.each([
    [{ '1h': 15, '5m': 15 }, 'page'],
    [{ '1h': 15, '5m': 10 }, 'ok'], // the short window has recovered
    [{ '6h': 7, '30m': 7 }, 'page'],
    [{ '1d': 4, '2h': 4 }, 'ticket'],
    [{ '3d': 1.5, '6h': 1.5 }, 'ticket'],
    [{ '3d': 0.9, '6h': 5 }, 'ok'],
    [{ '1h': 14.4, '5m': 14.4 }, 'ok'], // exactly at the threshold does not page
  ])('%j → %s', (burnRates, expected) => {
    expect(alertState(burnRates)).toBe(expected);
  });
});

describe('burn-down of the budget', () => {
  it('weighs each hour by its events', () => {
    // 99% over three hours of 100, 300 and 600 events: a budget of 10
    // errors; 1, then 3, then 2 errors.
    const points = burnDownByEvents(
      [
        { t: 1, errors: 1, total: 100 },
        { t: 2, errors: 3, total: 300 },
        { t: 3, errors: 2, total: 600 },
      ],
      0.99,
    );
    expect(points.map(p => p.t)).toEqual([1, 2, 3]);
    expect(points[0].remainingRatio).toBeCloseTo(0.9, 10);
    expect(points[1].remainingRatio).toBeCloseTo(0.6, 10);
    expect(points[2].remainingRatio).toBeCloseTo(0.4, 10);
    expect(burnDownByEvents([{ t: 1, errors: 0, total: 0 }], 0.99)).toEqual([]);
  });

  it('weighs hours the same when only ratios are known', () => {
    // 99.9%: hourly ratios 0.2% and 0.1% spend 2 and 1 of 2 hours' budget.
    const points = burnDownByTime(
      [
        { t: 1, ratio: 0.002 },
        { t: 2, ratio: 0.001 },
      ],
      0.999,
    );
    expect(points[0].remainingRatio).toBeCloseTo(0, 10);
    expect(points[1].remainingRatio).toBeCloseTo(-0.5, 10);
  });

  it('tiles the window with hourly points ending now, to the minute', () => {
    const range = hourlyRange(Date.UTC(2025, 0, 31, 10, 42, 17), 30);
    expect(range.end).toBe(Date.UTC(2025, 0, 31, 10, 42) / 1000);
    expect(range.start).toBe(Date.UTC(2025, 0, 1, 11, 42) / 1000);
    expect((range.end - range.start) / range.step + 1).toBe(720);
  });
});

describe('unionChunks', () => {
  it('packs parts into as few unions as fit, a long part alone', () => {
    expect(
      unionChunks(['aaaa', 'bbbb', 'cccc', 'dddddddddddd', 'e'], 12),
    ).toEqual([
      [0, 1], // "aaaa or bbbb" is 12
      [2],
      [3],
      [4],
    ]);
  });
});
