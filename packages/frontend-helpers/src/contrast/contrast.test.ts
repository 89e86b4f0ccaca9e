import { contrastRatio, ownColours, parseColour } from './contrast';

describe('parseColour', () => {
  it('reads #rgb, #rrggbb, rgb() and rgba()', () => {
    expect(parseColour('#B71C1C')).toEqual([183, 28, 28, 1]);
    expect(parseColour('#fff')).toEqual([255, 255, 255, 1]);
    expect(parseColour('rgb(183, 28, 28)')).toEqual([183, 28, 28, 1]);
    expect(parseColour('rgba(0, 0, 0, 0.87)')).toEqual([0, 0, 0, 0.87]);
  });

  it('says which colour it cannot read', () => {
    expect(() => parseColour('darkred')).toThrow(/"darkred" is not a colour/);
  });
});

describe('contrastRatio', () => {
  it('gives WCAG’s ratio: 21:1 for black on white, 1:1 for a colour on itself', () => {
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
    expect(contrastRatio('rgb(255, 255, 255)', 'rgb(0, 0, 0)')).toBeCloseTo(
      21,
      5,
    );
    expect(contrastRatio('#777777', '#777777')).toBeCloseTo(1, 5);
  });

  it('gives the same ratio whichever way the colours are written', () => {
    // White on the dark red of paging chips: 6.6:1.
    const hex = contrastRatio('#FFFFFF', '#B71C1C');
    expect(hex).toBeCloseTo(6.57, 2);
    expect(contrastRatio('rgb(255, 255, 255)', 'rgb(183, 28, 28)')).toBe(hex);
  });

  it('blends translucent text on its background', () => {
    // Material UI's body text: 87% black, 16:1 on white, under pure black's 21.
    const ratio = contrastRatio('rgba(0, 0, 0, 0.87)', 'rgb(255, 255, 255)');
    expect(ratio).toBeGreaterThan(15);
    expect(ratio).toBeLessThan(17);
  });

  it('refuses a translucent background, whose contrast depends on what is behind', () => {
    expect(() =>
      contrastRatio('rgb(0, 0, 0)', 'rgba(255, 255, 255, 0.5)'),
    ).toThrow(/translucent/);
  });
});

describe('ownColours', () => {
  afterEach(() => {
    document.head.innerHTML = '';
    document.body.innerHTML = '';
  });

  it('reads the colours of the element’s own doubled-class rule, not Material UI’s', () => {
    const style = document.createElement('style');
    style.textContent = [
      '.MuiChip-root { background-color: rgb(224, 224, 224); }',
      '.page.page { background-color: rgb(183, 28, 28); color: rgb(255, 255, 255); }',
    ].join('\n');
    document.head.appendChild(style);
    const chip = document.createElement('div');
    chip.className = 'MuiChip-root page';
    document.body.appendChild(chip);

    expect(ownColours(chip)).toEqual({
      background: 'rgb(183, 28, 28)',
      color: 'rgb(255, 255, 255)',
      border: undefined,
    });
  });

  it('gives nothing for an element without a rule of its own', () => {
    const chip = document.createElement('div');
    chip.className = 'MuiChip-root plain';
    document.body.appendChild(chip);
    expect(ownColours(chip)).toEqual({
      background: undefined,
      color: undefined,
      border: undefined,
    });
  });
});
