import { Theme } from '@material-ui/core/styles';

/** Distinct series colours from the app's theme. */
export function chartColors(theme: Theme): string[] {
  const p = theme.palette;
  return [
    p.primary.main,
    p.secondary.main,
    p.success.main,
    p.warning.main,
    p.info.main,
    p.error.dark,
    p.primary.dark,
    p.text.secondary,
  ];
}
