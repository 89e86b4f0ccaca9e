import { FileChange } from '@internal/plugin-template-upgrades-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { COLOURS } from '../colours';

export const CHANGE_LABELS: Record<FileChange, string> = {
  template: 'Template',
  merged: 'Merged',
  conflict: 'Conflict',
  added: 'Added',
  deleted: 'Deleted',
  kept: 'Kept',
};

/** What each change means for the file, in a sentence. */
export const CHANGE_DESCRIPTIONS: Record<FileChange, string> = {
  template: 'Only the template changed it: it takes the new release’s version.',
  merged: 'Both the template and your service changed it: merged cleanly.',
  conflict:
    'Both changed the same lines: the file carries conflict markers, to resolve by hand.',
  added: 'The new release adds it.',
  deleted: 'The new release removes it.',
  kept: 'Your change, kept: only your service changed it, it stays as it is.',
};

// Doubled classes: they win over the Chip's own colours.
const useStyles = makeStyles(theme => ({
  conflict: { '&&': COLOURS.conflict },
  merged: { '&&': COLOURS.merged },
  other: {
    '&&': {
      color: theme.palette.text.primary,
      borderColor: theme.palette.text.primary,
    },
  },
}));

/** How a file comes out of the upgrade, as a word: Template, Merged, Conflict… */
export function ChangeLabel({ change }: { change: FileChange }) {
  const classes = useStyles();
  const coloured = change === 'conflict' || change === 'merged';
  return (
    <Chip
      size="small"
      label={CHANGE_LABELS[change] ?? change}
      variant={coloured ? 'default' : 'outlined'}
      className={coloured ? classes[change] : classes.other}
      data-change={change}
    />
  );
}
