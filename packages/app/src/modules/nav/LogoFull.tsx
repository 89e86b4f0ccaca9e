import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  wordmark: {
    fontFamily: 'inherit',
    fontSize: 22,
    fontWeight: 700,
    letterSpacing: '-0.02em',
    color: '#ffffff',
    whiteSpace: 'nowrap',
  },
  plus: { color: '#7df3e1' },
});

/** The Local-Plus wordmark of the open sidebar. */
const LogoFull = () => {
  const classes = useStyles();
  return (
    <span className={classes.wordmark} aria-label="Local-Plus">
      Local<span className={classes.plus}>-Plus</span>
    </span>
  );
};

export { LogoFull };
