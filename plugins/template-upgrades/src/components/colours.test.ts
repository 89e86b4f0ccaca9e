import { contrastRatio } from '@internal/frontend-helpers';
import { COLOURS } from './colours';

describe('the plugin’s colours', () => {
  it.each(Object.entries(COLOURS))(
    '%s has text over 4.5:1 on its background (WCAG AA)',
    (_name, { color, backgroundColor }) => {
      expect(contrastRatio(color, backgroundColor)).toBeGreaterThanOrEqual(4.5);
    },
  );
});
