import { InfoCard, Link, Progress } from '@backstage/core-components';
import {
  CHECKS,
  EntityScorecard,
  Level,
  LEVELS,
  SCORECARDS_DOCS_PATH,
} from '@internal/plugin-scorecards-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { LoadError } from '@internal/frontend-helpers';
import { CheckRow, CheckTable } from '../CheckTable';
import { useEntityScorecard } from '../EntityScorecardCard';
import { levelLabel } from '../format';
import { isNotScored, NotScoredYet } from '../NotScoredYet';
import { ScorecardSummary } from '../ScorecardSummary';

/**
 * The catalogue's checks of a level with the service's results, in the
 * catalogue's order. A check the collection did not report is shown as
 * unknown rather than left out, so the level's list is always complete.
 */
export function checksOfLevel(
  scorecard: EntityScorecard,
  level: Level,
): CheckRow[] {
  const results = new Map(scorecard.checks.map(r => [r.id, r]));
  return CHECKS.filter(c => c.level === level).map(check => ({
    check,
    result: results.get(check.id) ?? {
      id: check.id,
      outcome: 'unknown',
      detail: 'Not evaluated in the latest collection.',
    },
  }));
}

/**
 * The Scorecard tab: the service's level and what blocks the next one,
 * then every check grouped by level (Bronze, Silver, Gold), each with its
 * outcome, the reason and how to fix it.
 */
export function EntityScorecardContent() {
  const { value, loading, error, retry } = useEntityScorecard();

  let summary;
  if (loading) summary = <Progress />;
  else if (isNotScored(error)) summary = <NotScoredYet />;
  else if (error) {
    summary = <LoadError error={error} what="The scorecard" retry={retry} />;
  } else if (value) summary = <ScorecardSummary scorecard={value} />;

  return (
    <Grid container spacing={3} data-testid="scorecard-tab">
      <Grid item xs={12}>
        <InfoCard title="Production readiness">
          {summary}
          <Box mt={2}>
            <Link to={SCORECARDS_DOCS_PATH}>How levels work</Link>
          </Box>
        </InfoCard>
      </Grid>
      {!loading &&
        value &&
        LEVELS.map(level => {
          const rows = checksOfLevel(value, level);
          const passing = rows.filter(r => r.result.outcome === 'pass').length;
          return (
            <Grid item xs={12} key={level}>
              <InfoCard
                title={levelLabel(level)}
                subheader={`${passing} of ${rows.length} checks pass`}
              >
                <CheckTable label={`${levelLabel(level)} checks`} rows={rows} />
              </InfoCard>
            </Grid>
          );
        })}
    </Grid>
  );
}
