import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { LevelChip } from './LevelChip';
import { OutcomeChip } from './OutcomeChip';

/** WCAG's contrast ratio of two opaque colours as CSS gives them. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b2] = (color.match(/\d+/g) ?? []).slice(0, 3).map(Number);
    const [lr, lg, lb] = [r, g, b2].map(v => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The colours the chip's own class declares (jsdom's computed style does
 * not weigh selectors' specificity; the browser does, and the end-to-end
 * journeys check the rendered contrast with axe).
 */
function ownColours(el: Element) {
  const own = Array.from(el.classList).filter(c => !c.startsWith('Mui'));
  const rules = Array.from(document.styleSheets).flatMap(
    sheet => Array.from(sheet.cssRules) as CSSStyleRule[],
  );
  const rule = rules.find(r =>
    own.some(c => r.selectorText?.split(/[\s,]/).includes(`.${c}.${c}`)),
  );
  return { background: rule?.style.backgroundColor, color: rule?.style.color };
}

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
      expect(contrast(own.color!, own.background!)).toBeGreaterThan(4.5);
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
      expect(contrast(own.color!, own.background!)).toBeGreaterThan(4.5);
    }
    expect(screen.getByText('Unknown').closest('.MuiChip-root')).toHaveClass(
      'MuiChip-outlined',
    );
  });
});
