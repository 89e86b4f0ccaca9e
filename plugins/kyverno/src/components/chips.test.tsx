import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ControlStatusChip, OutcomeChip, SeverityChip } from './chips';

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
  it('shows critical, fail, error and failing in white on dark red, at least 4.5:1', async () => {
    await renderInTestApp(
      <>
        <SeverityChip severity="critical" />
        <OutcomeChip outcome="fail" />
        <OutcomeChip outcome="error" />
        <ControlStatusChip status="failing" />
      </>,
    );
    for (const label of ['critical', 'fail', 'error', 'failing']) {
      const chip = screen.getByText(label).closest('.MuiChip-root')!;
      const { background, color } = ownColours(chip);
      expect(background).toBe('rgb(183, 28, 28)');
      expect(color).toBe('rgb(255, 255, 255)');
      expect(contrast(color!, background!)).toBeGreaterThan(4.5);
    }
  });

  it('says what each control status means, in words', async () => {
    await renderInTestApp(
      <>
        <ControlStatusChip status="passing" />
        <ControlStatusChip status="no-results" />
        <ControlStatusChip status="no-policy" />
      </>,
    );
    expect(screen.getByText('passing')).toBeInTheDocument();
    expect(screen.getByText('no results')).toBeInTheDocument();
    expect(
      screen.getByText('no enforcing policy').closest('.MuiChip-root'),
    ).toHaveAttribute(
      'title',
      'No policy in the repository evidences this control',
    );
  });

  it('shows nothing without a severity', async () => {
    const { container } = await renderInTestApp(<SeverityChip />);
    expect(container.querySelector('.MuiChip-root')).toBeNull();
  });
});
