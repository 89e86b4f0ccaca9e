/** Channels and alpha of rgb(r, g, b) or rgba(r, g, b, a). */
function parse(color: string): [number, number, number, number] {
  const [r, g, b, a] = (color.match(/[\d.]+/g) ?? []).map(Number);
  return [r, g, b, a ?? 1];
}

/**
 * WCAG's contrast ratio of a text colour (which may be translucent, as
 * Material UI's rgba(0, 0, 0, 0.87)) on an opaque background.
 */
export function contrast(text: string, background: string): number {
  const [br, bg, bb] = parse(background);
  const [tr, tg, tb, ta] = parse(text);
  const blended = [
    tr * ta + br * (1 - ta),
    tg * ta + bg * (1 - ta),
    tb * ta + bb * (1 - ta),
  ];
  const luminance = (rgb: number[]) => {
    const [lr, lg, lb] = rgb.map(v => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
  };
  const [hi, lo] = [luminance(blended), luminance([br, bg, bb])].sort(
    (x, y) => y - x,
  );
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The colours an element's own classes (not Material UI's) declare. jsdom's
 * computed style does not weigh selectors' specificity; the browser does,
 * and the end-to-end journeys check the rendered contrast with axe.
 */
export function ownColours(el: Element): {
  background?: string;
  color?: string;
  border?: string;
} {
  const own = Array.from(el.classList).filter(c => !c.startsWith('Mui'));
  const rules = Array.from(document.styleSheets).flatMap(
    sheet => Array.from(sheet.cssRules) as CSSStyleRule[],
  );
  const rule = rules.find(r =>
    own.some(c => r.selectorText?.split(/[\s,]/).includes(`.${c}.${c}`)),
  );
  return {
    background: rule?.style.backgroundColor || undefined,
    color: rule?.style.color || undefined,
    border: rule?.style.borderColor || undefined,
  };
}
