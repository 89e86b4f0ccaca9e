import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { contrastRatio, ownColours } from '@internal/frontend-helpers';
import { StateChip } from './QueueDepths';

const chipOf = (text: string) =>
  screen.getByText(text).closest('.MuiChip-root')!;

describe('StateChip', () => {
  it('shows page in white on dark red, at least 4.5:1', async () => {
    await renderInTestApp(<StateChip state="page" />);
    const { background, color } = ownColours(chipOf('page'));
    expect(background).toBe('rgb(183, 28, 28)');
    expect(color).toBe('rgb(255, 255, 255)');
    expect(contrastRatio(color!, background!)).toBeGreaterThanOrEqual(4.5);
  });

  it.each([
    ['ticket', 'ticket'],
    ['ok', 'ok'],
  ] as const)(
    'shows %s in a colour pair of at least 4.5:1',
    async (state, label) => {
      await renderInTestApp(<StateChip state={state} />);
      const { background, color } = ownColours(chipOf(label));
      expect(background).toBeDefined();
      expect(contrastRatio(color!, background!)).toBeGreaterThanOrEqual(4.5);
    },
  );

  it('shows a queue to classify plainly', async () => {
    await renderInTestApp(<StateChip state="watch" />);
    expect(ownColours(chipOf('classify')).background).toBeUndefined();
  });
});
