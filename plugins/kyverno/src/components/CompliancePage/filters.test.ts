import {
  describeFilter,
  filterFromParams,
  rangeFromParams,
  toParams,
} from './filters';

describe('the compliance filters in the address', () => {
  it('reads what is set, and drops severities and outcomes that do not exist', () => {
    const params = new URLSearchParams(
      'standard=PCI-DSS&severity=critical,bogus,high&outcome=fail,nope&policy=a,,b&owner=group:default/product-team&cluster=',
    );
    expect(filterFromParams(params)).toEqual({
      standard: 'PCI-DSS',
      severity: ['critical', 'high'],
      outcome: ['fail'],
      policy: ['a', 'b'],
      owner: 'group:default/product-team',
    });
  });

  it('writes only what is set, and the range when not the default', () => {
    expect(
      toParams(
        { severity: ['critical', 'high'], policy: [], cluster: 'prod-eu' },
        30,
      ),
    ).toEqual({ severity: 'critical,high', cluster: 'prod-eu' });
    expect(toParams({}, 7)).toEqual({ days: '7' });
  });

  it('reads the range, 30 days unless one of 7, 30, 90 or 365', () => {
    expect(rangeFromParams(new URLSearchParams('days=90'))).toBe(90);
    expect(rangeFromParams(new URLSearchParams('days=12'))).toBe(30);
    expect(rangeFromParams(new URLSearchParams(''))).toBe(30);
  });

  it('describes the filter in words', () => {
    expect(
      describeFilter({ severity: ['critical', 'high'], owner: 'group:a/b' }),
    ).toBe('severity critical or high, team group:a/b');
    expect(describeFilter({ policy: [] })).toBeUndefined();
  });
});
