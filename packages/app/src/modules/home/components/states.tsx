import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ErrorOutline from '@material-ui/icons/ErrorOutline';

/**
 * What the backend said, when it answered (`ResponseError`'s cause names the
 * dependency and what to do, with a request id), else the error's message.
 */
export function messageOf(error: Error): string {
  const cause = (error as { cause?: { message?: unknown } }).cause;
  return error.name === 'ResponseError' && typeof cause?.message === 'string'
    ? cause.message
    : error.message;
}

/** Card titles are the page's second-level headings. */
export const cardTitleProps = { component: 'h2', variant: 'h5' };

const useStyles = makeStyles(theme => ({
  // The theme's error text colour: #CA001B, 6:1 on white (palette.error.main
  // is too light for text).
  error: { color: theme.palette.errorText },
  icon: { fontSize: '1em', verticalAlign: '-0.125em', marginRight: 4 },
  secondary: { color: theme.palette.text.secondary },
}));

/** "HTTP 503, ServiceUnavailableError" for an error answer, else nothing. */
function statusOf(error: Error): string | undefined {
  const { body, cause } = error as {
    body?: { response?: { statusCode?: unknown } };
    cause?: { name?: unknown };
  };
  if (error.name !== 'ResponseError') return undefined;
  const status = body?.response?.statusCode;
  return [
    typeof status === 'number' ? `HTTP ${status}` : undefined,
    typeof cause?.name === 'string' ? cause.name : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * A failed load that leaves nothing to show: the backend's words and a
 * retry. (Not ResponseErrorPanel: its title is an h6, out of the page's
 * heading order.)
 */
export function LoadError(props: {
  error: Error;
  retry: () => void;
  what: string;
}) {
  const { error, retry, what } = props;
  const classes = useStyles();
  const status = statusOf(error);
  return (
    <Box role="alert">
      <Typography variant="body1" className={classes.error}>
        <ErrorOutline className={classes.icon} aria-hidden />
        {what} could not be loaded: {messageOf(error)}
      </Typography>
      {status && <Quiet>{status}</Quiet>}
      <Box mt={1}>
        <Button variant="outlined" size="small" onClick={retry}>
          Try again
        </Button>
      </Box>
    </Box>
  );
}

/** A failed dependency in a table cell: its short message only. */
export function CellError({ error }: { error: Error }) {
  const classes = useStyles();
  return (
    <Typography variant="body2" component="span" className={classes.error}>
      <ErrorOutline className={classes.icon} aria-hidden />
      {messageOf(error)}
    </Typography>
  );
}

/** A cell whose dependency is still answering. */
export function CellLoading({ label }: { label: string }) {
  const classes = useStyles();
  return (
    <Typography variant="body2" component="span" className={classes.secondary}>
      <CircularProgress size={12} aria-label={label} className={classes.icon} />
      Loading…
    </Typography>
  );
}

/** Secondary text in a cell (nothing to report, or a detail). */
export function Quiet({ children }: { children: React.ReactNode }) {
  const classes = useStyles();
  return (
    <Typography variant="body2" component="span" className={classes.secondary}>
      {children}
    </Typography>
  );
}
