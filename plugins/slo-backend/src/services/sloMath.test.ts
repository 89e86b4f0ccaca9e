import { alertState, computeSloStatus } from './sloMath';

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
