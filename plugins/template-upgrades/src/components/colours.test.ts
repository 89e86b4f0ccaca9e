import { COLOURS } from './colours';

/** WCAG's contrast ratio of two opaque #RRGGBB colours. */
function contrast(a: string, b: string) {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map(i => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('the plugin’s colours', () => {
  it.each(Object.entries(COLOURS))(
    '%s has text over 4.5:1 on its background (WCAG AA)',
    (_name, { color, backgroundColor }) => {
      expect(contrast(color, backgroundColor)).toBeGreaterThanOrEqual(4.5);
    },
  );
});
