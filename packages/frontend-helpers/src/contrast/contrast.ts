/** Red, green and blue (0–255) and alpha (0–1) of a CSS colour. */
type Rgba = [number, number, number, number];

const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
const RGB =
  /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i;

/**
 * The channels of a colour as CSS and jsdom give them: `#rgb`, `#rrggbb`,
 * `rgb(r, g, b)` or `rgba(r, g, b, a)`.
 */
export function parseColour(colour: string): Rgba {
  const value = colour.trim();
  const hex = HEX.exec(value);
  if (hex) {
    const digits =
      hex[1].length === 3 ? hex[1].replace(/./g, d => d + d) : hex[1];
    const [r, g, b] = [0, 2, 4].map(i => parseInt(digits.slice(i, i + 2), 16));
    return [r, g, b, 1];
  }
  const rgb = RGB.exec(value);
  if (rgb) {
    const [r, g, b] = rgb.slice(1, 4).map(Number);
    return [r, g, b, rgb[4] === undefined ? 1 : Number(rgb[4])];
  }
  throw new Error(
    `"${colour}" is not a colour this check reads: #rgb, #rrggbb, rgb() or rgba()`,
  );
}

/** WCAG's relative luminance of an opaque colour. */
function luminance([r, g, b]: number[]): number {
  const [lr, lg, lb] = [r, g, b].map(v => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
}

/**
 * WCAG's contrast ratio (1 to 21) of a text colour on an opaque background.
 * The text may be translucent, as Material UI's `rgba(0, 0, 0, 0.87)`: it is
 * blended on the background first. Text needs at least 4.5:1 (WCAG AA).
 */
export function contrastRatio(text: string, background: string): number {
  const [br, bg, bb, ba] = parseColour(background);
  if (ba < 1) {
    throw new Error(
      `The background ${background} is translucent: its contrast depends on what is behind it`,
    );
  }
  const [tr, tg, tb, ta] = parseColour(text);
  const blended = [
    tr * ta + br * (1 - ta),
    tg * ta + bg * (1 - ta),
    tb * ta + bb * (1 - ta),
  ];
  const [hi, lo] = [luminance(blended), luminance([br, bg, bb])].sort(
    (x, y) => y - x,
  );
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * For tests: the colours an element's own classes (not Material UI's
 * `Mui*` ones) declare in a doubled-class rule (`.x.x`, which wins over the
 * component's own colours). jsdom's computed style does not weigh
 * selectors' specificity; the browser does, and the end-to-end journeys
 * check the rendered contrast with axe. A colour the rule does not set,
 * or a rule that does not exist, is `undefined`.
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
