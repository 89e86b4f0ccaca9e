import { formatRetention, parseRetention, RETAIN_FOREVER } from './retention';

describe('retention', () => {
  it.each([
    ['7d', 604_800_000],
    ['168h', 604_800_000],
    ['1w', 604_800_000],
    ['604800000', 604_800_000],
    ['604800000ms', 604_800_000],
    ['30 min', 1_800_000],
    ['90s', 90_000],
    [' 3D ', 259_200_000],
    ['1.5h', 5_400_000],
    ['forever', RETAIN_FOREVER],
    ['-1', RETAIN_FOREVER],
  ])('reads %p as %p ms', (text, ms) => {
    expect(parseRetention(text)).toBe(ms);
  });

  it.each([['a week'], ['7 days'], [''], ['d7'], [undefined]])(
    'does not guess at %p',
    text => {
      expect(parseRetention(text)).toBeUndefined();
    },
  );

  it.each([
    [604_800_000, '7d'],
    [259_200_000, '3d'],
    [3_600_000, '1h'],
    [90_000, '90s'],
    [1_500, '1500ms'],
    [-1, 'forever'],
  ])('writes %p ms as %p', (ms, text) => {
    expect(formatRetention(ms)).toBe(text);
  });
});
