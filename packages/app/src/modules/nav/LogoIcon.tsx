import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  mark: {
    fontSize: 20,
    fontWeight: 700,
    color: '#7df3e1',
  },
});

/** The Local-Plus mark of the collapsed sidebar. */
const LogoIcon = () => {
  const classes = useStyles();
  return (
    <span className={classes.mark} aria-label="Local-Plus">
      L+
    </span>
  );
};

export { LogoIcon };
