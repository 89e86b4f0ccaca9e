import { parseSloSpec } from '../parseSloSpec';
import { SPEC_FORMATS } from '.';

describe('SPEC_FORMATS', () => {
  it('names each format once', () => {
    const names = SPEC_FORMATS.map(f => f.format);
    expect(new Set(names).size).toBe(names.length);
  });

  it('lists every format when a file is in none', () => {
    const unknown = () => parseSloSpec('apiVersion: v1\n', 'x.yaml');
    expect(unknown).toThrow(/^x\.yaml: apiVersion: expected /);
    for (const { versionField, format } of SPEC_FORMATS) {
      expect(unknown).toThrow(versionField);
      expect(unknown).toThrow(format);
    }
  });
});
