import { Link } from '@backstage/core-components';
import { DeadLetter } from '@internal/plugin-dlq-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { absolute, pretty } from '../format';

const useStyles = makeStyles(theme => ({
  code: {
    fontFamily: 'monospace',
    fontSize: theme.typography.pxToRem(12),
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    overflowX: 'auto',
    maxHeight: 400,
    margin: 0,
    padding: theme.spacing(1.5),
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: 0,
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, fontFamily: 'monospace' },
  },
}));

function Block(props: { title: string; children: string }) {
  const classes = useStyles();
  return (
    <Box mb={2}>
      <Typography variant="subtitle2" gutterBottom>
        {props.title}
      </Typography>
      {/* Focusable: a long traceback scrolls, and keyboards must reach it
          (WCAG 2.1.1; axe scrollable-region-focusable). */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <pre className={classes.code} aria-label={props.title} tabIndex={0}>
        {props.children}
      </pre>
    </Box>
  );
}

/** Everything about one dead letter, to classify it before acting. */
export function DeadLetterDetails(props: { item: DeadLetter; label?: string }) {
  const { item } = props;
  const classes = useStyles();
  const facts: [string, string | undefined][] = [
    ['Message id', item.messageId],
    ['Broker key', item.key],
    ['Queue', item.queue],
    ['Actor', item.actor],
    ['Attempts', (item.attempts ?? item.retries)?.toString()],
    ['Enqueued', absolute(item.enqueuedAt)],
    ['Dead-lettered', absolute(item.deadLetteredAt)],
    [
      'Replayable until',
      item.expiresAt ? absolute(item.expiresAt) : 'it is handled (no expiry)',
    ],
  ];

  return (
    <Box py={2} role="region" aria-label={props.label}>
      {item.unreadable && (
        <Box mb={2}>
          <Alert severity="warning">
            This entry cannot be read: {item.unreadable}. It can only be
            discarded.
          </Alert>
        </Box>
      )}
      <Grid container spacing={3}>
        <Grid item xs={12} md={5}>
          <dl className={classes.facts}>
            {facts
              .filter(([, v]) => v)
              .map(([k, v]) => (
                <Box key={k} display="contents">
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </Box>
              ))}
          </dl>
          <Box mt={2}>
            <Typography variant="subtitle2" gutterBottom>
              Last attempt
            </Typography>
            {item.links.length > 0 ? (
              item.links.map(l => (
                <Box key={l.url}>
                  <Link to={l.url}>{l.title}</Link>
                </Box>
              ))
            ) : (
              <Typography variant="body2" color="textSecondary">
                No error or trace link for this entry.
              </Typography>
            )}
          </Box>
        </Grid>
        <Grid item xs={12} md={7}>
          {!item.unreadable && (
            <>
              <Block title="Arguments">{pretty(item.args ?? [])}</Block>
              <Block title="Keyword arguments">
                {pretty(item.kwargs ?? {})}
              </Block>
              <Typography variant="caption" color="textSecondary" paragraph>
                The portal masks card numbers (first 6 and last 4 digits),
                IBANs, e-mail addresses, phone numbers and secrets; a replay
                sends the original task. Do not copy payloads into Slack or
                tickets.
              </Typography>
            </>
          )}
          <Block title="Traceback">
            {item.traceback?.trim() || 'No traceback was kept.'}
          </Block>
        </Grid>
      </Grid>
    </Box>
  );
}
