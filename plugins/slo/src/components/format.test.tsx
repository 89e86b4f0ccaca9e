import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { AlertChip, AlertCountChip } from './format';

/** WCAG's contrast ratio of two colours given as rgb(r, g, b). */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = (color.match(/\d+/g) ?? []).slice(0, 3).map(Number);
    const [lr, lg, lb] = [r, g, bl].map(v => {
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

const chipOf = (text: string) =>
  screen.getByText(text).closest('.MuiChip-root')!;

describe('AlertChip', () => {
  it('shows page in white on dark red, at least 4.5:1', async () => {
    await renderInTestApp(<AlertChip state="page" />);
    const { background, color } = ownColours(chipOf('page'));
    expect(background).toBe('rgb(183, 28, 28)');
    expect(color).toBe('rgb(255, 255, 255)');
    expect(contrast(color!, background!)).toBeGreaterThanOrEqual(4.5);
  });

  it('shows ticket in the primary colour and ok plain', async () => {
    await renderInTestApp(
      <>
        <AlertChip state="ticket" />
        <AlertChip state="ok" />
      </>,
    );
    expect(chipOf('ticket')).toHaveClass('MuiChip-colorPrimary');
    expect(chipOf('ok')).not.toHaveClass('MuiChip-colorPrimary');
    expect(ownColours(chipOf('ok')).background).toBeUndefined();
  });
});

describe('AlertCountChip', () => {
  it('colours the paging count like the page chip, only when there is one', async () => {
    await renderInTestApp(
      <>
        <AlertCountChip state="page" count={2} />
        <AlertCountChip state="ticket" count={0} />
      </>,
    );
    expect(ownColours(chipOf('2 paging')).background).toBe('rgb(183, 28, 28)');
    expect(chipOf('0 ticket')).not.toHaveClass('MuiChip-colorPrimary');
  });

  it('shows nothing paging plainly', async () => {
    await renderInTestApp(<AlertCountChip state="page" count={0} />);
    expect(ownColours(chipOf('0 paging')).background).toBeUndefined();
  });
});
