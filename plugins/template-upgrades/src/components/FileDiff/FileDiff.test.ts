import { diffLineKind, diffLines } from './FileDiff';

describe('diffLineKind', () => {
  it('tells added, removed, hunk, header and context lines apart', () => {
    expect(diffLineKind('+new')).toBe('added');
    expect(diffLineKind('-old')).toBe('removed');
    expect(diffLineKind('@@ -1,2 +1,3 @@')).toBe('hunk');
    expect(diffLineKind('--- a/Dockerfile')).toBe('header');
    expect(diffLineKind('+++ b/Dockerfile')).toBe('header');
    expect(diffLineKind('\\ No newline at end of file')).toBe('header');
    expect(diffLineKind(' same')).toBe('context');
    expect(diffLineKind('')).toBe('context');
  });

  it('drops only the empty line the final newline leaves', () => {
    expect(diffLines('+a\n \n-b\n')).toEqual(['+a', ' ', '-b']);
    expect(diffLines('+a\r\n-b')).toEqual(['+a', '-b']);
  });
});
