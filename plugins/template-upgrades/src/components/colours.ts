/**
 * The plugin's own colours: dark text on light tints, each pair over
 * 4.5:1 (WCAG AA; see colours.test.ts), whatever the theme, since they
 * set both the text and the background. The words and the diff's + and −
 * always say the same thing: the colour only repeats it.
 */
export const COLOURS = {
  /** A diff's context lines, and its box. */
  diffContext: { backgroundColor: '#F6F8FA', color: '#1F2328' },
  /** A line the upgrade adds (starts with +). */
  diffAdded: { backgroundColor: '#DAFBE1', color: '#1F2328' },
  /** A line the upgrade removes (starts with −). */
  diffRemoved: { backgroundColor: '#FFEBE9', color: '#1F2328' },
  /** A hunk's header (@@ … @@). */
  diffHunk: { backgroundColor: '#DDF4FF', color: '#0A3069' },
  /** Status "Behind". */
  behind: { backgroundColor: '#FFF4E5', color: '#663C00' },
  /** Status "Up to date". */
  current: { backgroundColor: '#E8F5E9', color: '#1B5E20' },
  /** Change "Conflict". */
  conflict: { backgroundColor: '#FFEBE9', color: '#82071E' },
  /** Change "Merged". */
  merged: { backgroundColor: '#DDF4FF', color: '#0A3069' },
} as const;
