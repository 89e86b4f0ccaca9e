import { EntityScorecard } from '@internal/plugin-scorecards-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { CollectedAt } from '../CollectedAt';
import { checkTitle, levelLabel } from '../format';
import { LevelChip } from '../LevelChip';

const useStyles = makeStyles(theme => ({
  level: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
}));

/** How many checks passed, failed and could not be evaluated. */
export function countOutcomes(scorecard: EntityScorecard) {
  const counts = { pass: 0, fail: 0, unknown: 0 };
  for (const c of scorecard.checks) counts[c.outcome] += 1;
  return counts;
}

/** "Next: Silver — blocked by: Runbooks for every alert, …" */
export function nextStep(scorecard: EntityScorecard) {
  const { next } = scorecard;
  if (!next) return 'Every check passes: nothing left to reach.';
  const blocking = next.blocking.map(checkTitle);
  return `Next: ${levelLabel(next.level)}${
    blocking.length ? ` — blocked by: ${blocking.join(', ')}` : ''
  }`;
}

/**
 * A service's level, what stands between it and the next one, its check
 * counts and when its facts were read: the top of the card and of the tab.
 */
export function ScorecardSummary(props: { scorecard: EntityScorecard }) {
  const { scorecard } = props;
  const classes = useStyles();
  const counts = countOutcomes(scorecard);
  return (
    <>
      <div className={classes.level}>
        <Typography variant="subtitle1" component="span">
          Level
        </Typography>
        <LevelChip level={scorecard.level} size="medium" />
      </div>
      <Typography variant="body1" paragraph>
        {nextStep(scorecard)}
      </Typography>
      <Typography variant="body2" paragraph>
        {counts.pass} passed · {counts.fail} failed · {counts.unknown} unknown
      </Typography>
      <Box>
        <Typography variant="body2" component="span">
          <CollectedAt at={scorecard.collectedAt} />
        </Typography>
      </Box>
    </>
  );
}
