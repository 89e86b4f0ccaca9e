import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { contrastRatio, ownColours } from '@internal/frontend-helpers';
import { LevelChip } from './LevelChip';
import { OutcomeChip } from './OutcomeChip';

describe('chips', () => {
  it('names each level in words, in dark text on a light tint of at least 4.5:1', async () => {
    await renderInTestApp(
      <>
        <LevelChip level="none" />
        <LevelChip level="bronze" />
        <LevelChip level="silver" />
        <LevelChip level="gold" />
      </>,
    );
    const none = screen.getByText('None').closest('.MuiChip-root')!;
    expect(none).toHaveClass('MuiChip-outlined');
    for (const [label, background, color] of [
      ['Bronze', 'rgb(243, 224, 204)', 'rgb(93, 58, 26)'],
      ['Silver', 'rgb(224, 224, 224)', 'rgb(33, 33, 33)'],
      ['Gold', 'rgb(255, 232, 163)', 'rgb(74, 59, 0)'],
    ]) {
      const chip = screen.getByText(label).closest('.MuiChip-root')!;
      const own = ownColours(chip);
      expect(own).toEqual({ background, color });
      expect(contrastRatio(own.color!, own.background!)).toBeGreaterThan(4.5);
    }
  });

  it('says each outcome in words, pass and fail at least 4.5:1', async () => {
    await renderInTestApp(
      <>
        <OutcomeChip outcome="pass" />
        <OutcomeChip outcome="fail" />
        <OutcomeChip outcome="unknown" />
      </>,
    );
    for (const label of ['Pass', 'Fail']) {
      const own = ownColours(screen.getByText(label).closest('.MuiChip-root')!);
      expect(contrastRatio(own.color!, own.background!)).toBeGreaterThan(4.5);
    }
    expect(screen.getByText('Unknown').closest('.MuiChip-root')).toHaveClass(
      'MuiChip-outlined',
    );
  });
});
