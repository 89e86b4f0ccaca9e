import {
  Content,
  EmptyState,
  InfoCard,
  Link,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  RollupDimension,
  SCORECARDS_DOCS_PATH,
} from '@internal/plugin-scorecards-common';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Grid from '@material-ui/core/Grid';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { scorecardsApiRef } from '../../api/ScorecardsClient';
import { CheckRanking } from '../CheckRanking';
import { CollectionStatus } from '../CollectionStatus';
import { CollectNow } from '../CollectNow';
import { plural } from '../format';
import { LevelTrend } from '../LevelTrend';
import { DIMENSIONS, RollupTable } from '../RollupTable';
import { ServiceLevels } from '../ServiceLevels';

/** The trend's range, in days. */
export const TREND_DAYS = 30;

const useStyles = makeStyles(theme => ({
  // The legend in the primary text colour: the secondary one is barely
  // 4.5:1 on the card.
  legend: { '&&': { color: theme.palette.text.primary } },
  header: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
  },
}));

/** A card's body in its loading and error states. */
function Loaded<T>(props: {
  state: {
    loading: boolean;
    error?: Error;
    value?: T;
    retry: () => void;
  };
  what: string;
  children: (value: T) => JSX.Element;
}) {
  const { state, what, children } = props;
  if (state.loading) return <Progress />;
  if (state.error) {
    return <LoadError error={state.error} what={what} retry={state.retry} />;
  }
  return state.value === undefined ? null : children(state.value);
}

/**
 * The Scorecards page: the latest collection, what most services fail, the
 * levels by team, system or domain, the trend, and every service's level.
 * Each card loads and fails on its own; "Collect now" (platform admins)
 * loads them all again once the collection is done.
 */
export function ScorecardsPage() {
  const classes = useStyles();
  const api = useApi(scorecardsApiRef);
  // Bumped after "Collect now": every card reads the new collection.
  const [version, setVersion] = useState(0);
  const [by, setBy] = useState<RollupDimension>('owner');

  const list = useAsyncRetry(() => api.getScorecards(), [api, version]);
  const ranking = useAsyncRetry(() => api.getRanking(), [api, version]);
  const rollup = useAsyncRetry(() => api.getRollup(by), [api, by, version]);
  const trend = useAsyncRetry(() => api.getTrend(TREND_DAYS), [api, version]);

  return (
    <Content data-testid="scorecards-page">
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard title="Latest collection">
            <div className={classes.header}>
              <Box flex="1 1 400px">
                <Loaded state={list} what="Scorecards">
                  {v => <CollectionStatus collection={v.collection} />}
                </Loaded>
                <Box mt={1}>
                  <Link to={SCORECARDS_DOCS_PATH}>
                    How levels and checks work
                  </Link>
                </Box>
              </Box>
              <CollectNow onCollected={() => setVersion(v => v + 1)} />
            </div>
          </InfoCard>
        </Grid>

        <Grid item xs={12}>
          <InfoCard
            title="What most services fail"
            subheader={
              ranking.value && !ranking.loading
                ? `The checks by how many of the ${plural(
                    ranking.value.services,
                    'service',
                  )} fail them`
                : undefined
            }
          >
            <Loaded state={ranking} what="The ranking">
              {r =>
                r.services === 0 ? (
                  <Typography variant="body2">
                    No service has been scored yet.
                  </Typography>
                ) : (
                  <CheckRanking ranking={r} />
                )
              }
            </Loaded>
          </InfoCard>
        </Grid>

        <Grid item xs={12}>
          <InfoCard title="Levels by team, system and domain">
            <FormControl component="fieldset">
              <FormLabel component="legend" className={classes.legend}>
                Group by
              </FormLabel>
              <RadioGroup
                row
                name="scorecards-rollup-by"
                value={by}
                onChange={e => setBy(e.target.value as RollupDimension)}
              >
                {(Object.keys(DIMENSIONS) as RollupDimension[]).map(d => (
                  <FormControlLabel
                    key={d}
                    value={d}
                    control={<Radio color="primary" />}
                    label={DIMENSIONS[d].label}
                  />
                ))}
              </RadioGroup>
            </FormControl>
            <Box mt={1}>
              <Loaded state={rollup} what="The rollups">
                {r =>
                  r.rows.length === 0 ? (
                    <Typography variant="body2">
                      No service has been scored yet.
                    </Typography>
                  ) : (
                    <RollupTable rollup={r} />
                  )
                }
              </Loaded>
            </Box>
          </InfoCard>
        </Grid>

        <Grid item xs={12}>
          <InfoCard title={`Levels over the last ${TREND_DAYS} days`}>
            <Loaded state={trend} what="The trend">
              {t => <LevelTrend points={t.points} days={TREND_DAYS} />}
            </Loaded>
          </InfoCard>
        </Grid>

        <Grid item xs={12}>
          <Loaded state={list} what="Scorecards">
            {v =>
              v.services.length === 0 ? (
                <EmptyState
                  missing="data"
                  title="No service scored yet"
                  description="Every component of type service gets a scorecard at each collection. If this lasts after a collection, the scorecards backend's log says why."
                />
              ) : (
                <ServiceLevels services={v.services} />
              )
            }
          </Loaded>
        </Grid>
      </Grid>
    </Content>
  );
}
