import { UpgradeFile } from '@internal/plugin-template-upgrades-common';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { CHANGE_DESCRIPTIONS, ChangeLabel } from '../ChangeLabel';
import { FileDiff } from '../FileDiff';

const useStyles = makeStyles(theme => ({
  file: {
    '& + &': {
      marginTop: theme.spacing(3),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
  heading: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(0.5),
  },
  path: {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: '0.95rem',
    wordBreak: 'break-all',
  },
  description: { marginBottom: theme.spacing(1) },
}));

/** A stable id for a file's heading. */
const headingId = (path: string, i: number) =>
  `upgrade-file-${i}-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/**
 * Every file of the upgrade, one section each: its path, how it comes out
 * (a word and a sentence), and the diff. The service's own changes that
 * are kept are listed without one: nothing changes there.
 */
export function UpgradeFiles(props: { files: UpgradeFile[] }) {
  const { files } = props;
  const classes = useStyles();
  if (files.length === 0) {
    return (
      <Typography variant="body2">
        The upgrade changes no file: only the recorded release moves.
      </Typography>
    );
  }
  return (
    <>
      {files.map((file, i) => {
        const id = headingId(file.path, i);
        return (
          <section
            key={file.path}
            className={classes.file}
            aria-labelledby={id}
            data-testid="upgrade-file"
          >
            <div className={classes.heading}>
              <Typography
                variant="subtitle1"
                component="h3"
                id={id}
                className={classes.path}
              >
                {file.path}
              </Typography>
              <ChangeLabel change={file.change} />
            </div>
            <Typography variant="body2" className={classes.description}>
              {CHANGE_DESCRIPTIONS[file.change]}
            </Typography>
            {file.change !== 'kept' &&
              (file.diff ? (
                <FileDiff path={file.path} diff={file.diff} />
              ) : (
                <Typography variant="body2">No line to show.</Typography>
              ))}
          </section>
        );
      })}
    </>
  );
}
