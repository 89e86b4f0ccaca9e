/* eslint-disable jsx-a11y/no-noninteractive-tabindex -- a scroll area must
   take the focus to scroll by keyboard (WCAG 2.1.1) */
import { makeStyles } from '@material-ui/core/styles';
import { COLOURS } from '../colours';

/** What a line of a unified diff is. */
export type DiffLineKind = 'added' | 'removed' | 'hunk' | 'header' | 'context';

export function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith('+++') || line.startsWith('---')) return 'header';
  if (
    line.startsWith('diff ') ||
    line.startsWith('index ') ||
    line.startsWith('\\')
  ) {
    return 'header';
  }
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  return 'context';
}

/** The diff's lines, without the empty one its final newline leaves. */
export function diffLines(diff: string): string[] {
  const lines = diff.replace(/\r\n/g, '\n').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const useStyles = makeStyles(theme => ({
  pre: {
    ...COLOURS.diffContext,
    margin: 0,
    padding: theme.spacing(1, 0),
    maxHeight: 480,
    overflow: 'auto',
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: 13,
    lineHeight: 1.5,
    borderRadius: theme.shape.borderRadius,
    border: '1px solid #D0D7DE',
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
    },
  },
  line: {
    display: 'block',
    minWidth: 'max-content',
    padding: theme.spacing(0, 1.5),
  },
  added: COLOURS.diffAdded,
  removed: COLOURS.diffRemoved,
  hunk: COLOURS.diffHunk,
  header: { fontWeight: 'bold' },
  context: {},
}));

/**
 * A file's unified diff, as git prints it: the + and − that start each
 * line stay, and the colour repeats them (added lines on green, removed on
 * red, dark text on both). It scrolls when long or wide, so it takes the
 * keyboard focus and is named for screen readers.
 */
export function FileDiff(props: { path: string; diff: string }) {
  const { path, diff } = props;
  const classes = useStyles();
  return (
    <pre
      className={classes.pre}
      role="region"
      aria-label={`Diff of ${path}`}
      tabIndex={0}
    >
      {diffLines(diff).map((line, i) => {
        const kind = diffLineKind(line);
        return (
          <span
            key={i}
            className={`${classes.line} ${classes[kind]}`}
            data-diff-line={kind}
          >
            {line}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}
