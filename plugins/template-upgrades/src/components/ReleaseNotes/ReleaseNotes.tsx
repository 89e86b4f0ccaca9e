import { TemplateRelease } from '@internal/plugin-template-upgrades-common';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';

const useStyles = makeStyles(theme => ({
  release: { marginTop: theme.spacing(1.5) },
  notes: { margin: theme.spacing(0.5, 0, 0), paddingLeft: theme.spacing(3) },
}));

/**
 * The changelog of the releases an upgrade brings, oldest first: each
 * version (and its date) as a heading, then its bullet points as written.
 */
export function ReleaseNotes(props: {
  releases: TemplateRelease[];
  /** The heading level of each version, under the card's title. */
  headingLevel?: 'h3' | 'h4';
}) {
  const { releases, headingLevel = 'h3' } = props;
  const classes = useStyles();
  return (
    <div data-testid="release-notes">
      {releases.map(release => (
        <section key={release.version} className={classes.release}>
          <Typography variant="subtitle2" component={headingLevel}>
            {release.date
              ? `${release.version} — ${release.date}`
              : release.version}
          </Typography>
          {release.notes.length > 0 ? (
            <ul className={classes.notes}>
              {release.notes.map((note, i) => (
                <Typography component="li" variant="body2" key={i}>
                  {note}
                </Typography>
              ))}
            </ul>
          ) : (
            <Typography variant="body2">No notes for this release.</Typography>
          )}
        </section>
      ))}
    </div>
  );
}
