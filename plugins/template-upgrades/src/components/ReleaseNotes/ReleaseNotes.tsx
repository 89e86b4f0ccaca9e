import { TemplateRelease } from '@internal/plugin-template-upgrades-common';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';

const useStyles = makeStyles(theme => ({
  release: { marginTop: theme.spacing(1.5) },
  notes: { margin: theme.spacing(0.5, 0, 0), paddingLeft: theme.spacing(3) },
}));

/**
 * A changelog note as written, with its `code` spans shown as code (the
 * changelog is Markdown; nothing else of it is interpreted).
 */
export function NoteText(props: { text: string }) {
  const parts = props.text.split('`');
  // An odd number of backticks: the last one is a plain character.
  const closed = parts.length % 2 === 1;
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 && (closed || i < parts.length - 1) ? (
          <code key={i}>{part}</code>
        ) : (
          <span key={i}>{i % 2 === 1 ? `\`${part}` : part}</span>
        ),
      )}
    </>
  );
}

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
                  <NoteText text={note} />
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
