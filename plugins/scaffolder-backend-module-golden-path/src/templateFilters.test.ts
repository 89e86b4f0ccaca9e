import { goldenPathTemplateFilters } from './templateFilters';

describe('goldenPathTemplateFilters', () => {
  const { sqlIdentifier, sqlString } = goldenPathTemplateFilters;

  it('sqlIdentifier double-quotes a name and doubles its quotes', () => {
    expect(sqlIdentifier('rewards')).toBe('"rewards"');
    expect(sqlIdentifier('a"; DROP TABLE x; --')).toBe(
      '"a""; DROP TABLE x; --"',
    );
  });

  it('sqlString single-quotes a text and doubles its quotes', () => {
    expect(sqlString('owned-by: svc-rewards')).toBe("'owned-by: svc-rewards'");
    expect(sqlString("it's'; DROP TABLE x; --")).toBe(
      "'it''s''; DROP TABLE x; --'",
    );
    // standard_conforming_strings: a backslash is an ordinary character.
    expect(sqlString('a\\b')).toBe("'a\\b'");
  });

  it('refuses NUL, empty names and what is not text', () => {
    expect(() => sqlIdentifier('a\u0000b')).toThrow(/NUL/);
    expect(() => sqlString('a\u0000b')).toThrow(/NUL/);
    expect(() => sqlIdentifier('')).toThrow(/empty/);
    expect(() => sqlString({ a: 1 })).toThrow(/takes a string/);
    expect(() => sqlIdentifier(undefined as any)).toThrow(/takes a string/);
  });
});
