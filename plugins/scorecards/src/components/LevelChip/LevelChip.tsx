import { LevelOrNone } from '@internal/plugin-scorecards-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { levelLabel } from '../format';

/**
 * Each level's colours: dark text on a light tint, every pair well over the
 * 4.5:1 that text needs (bronze 7.8:1, silver 12.2:1, gold 9.0:1), on the
 * light and the dark theme alike. The label says the level too.
 */
export const LEVEL_COLORS = {
  bronze: { backgroundColor: '#F3E0CC', color: '#5D3A1A' },
  silver: { backgroundColor: '#E0E0E0', color: '#212121' },
  gold: { backgroundColor: '#FFE8A3', color: '#4A3B00' },
} as const;

// Doubled classes: they win over the Chip's own colours whatever the order
// the style sheets load in.
const useStyles = makeStyles(theme => ({
  bronze: { '&&': LEVEL_COLORS.bronze },
  silver: { '&&': LEVEL_COLORS.silver },
  gold: { '&&': LEVEL_COLORS.gold },
  // No level yet: outlined, in the theme's primary text colour.
  none: {
    '&&': {
      color: theme.palette.text.primary,
      borderColor: theme.palette.text.primary,
    },
  },
}));

/** A service's level, or a level to reach: None, Bronze, Silver, Gold. */
export function LevelChip(props: {
  level: LevelOrNone;
  size?: 'small' | 'medium';
}) {
  const { level, size = 'small' } = props;
  const classes = useStyles();
  return (
    <Chip
      size={size}
      label={levelLabel(level)}
      variant={level === 'none' ? 'outlined' : 'default'}
      className={classes[level]}
      data-level={level}
    />
  );
}
