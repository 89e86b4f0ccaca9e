import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { Entity } from '@backstage/catalog-model';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import { ScorecardsClient, scorecardsApiRef } from './api/ScorecardsClient';
import { scorecardsRouteRef } from './routes';

const scorecardsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: scorecardsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ScorecardsClient(deps),
    }),
});

/** The backend scores running services only: components of type service. */
export const isScoredService = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'component' &&
  entity.spec?.type === 'service';

const scorecardCard = EntityCardBlueprint.make({
  params: {
    filter: isScoredService,
    loader: async () =>
      import('./components/EntityScorecardCard').then(m => (
        <m.EntityScorecardCard />
      )),
  },
});

const scorecardContent = EntityContentBlueprint.make({
  params: {
    path: 'scorecard',
    title: 'Scorecard',
    filter: isScoredService,
    loader: async () =>
      import('./components/EntityScorecardContent').then(m => (
        <m.EntityScorecardContent />
      )),
  },
});

// Its title and icon make the "Scorecards" item of the sidebar.
const scorecardsPage = PageBlueprint.make({
  params: {
    path: '/scorecards',
    title: 'Scorecards',
    icon: <AssignmentTurnedInIcon fontSize="inherit" />,
    routeRef: scorecardsRouteRef,
    loader: () =>
      import('./components/ScorecardsPage').then(m => <m.ScorecardsPage />),
  },
});

/**
 * Production-readiness scorecards: a card and a Scorecard tab on every
 * service, and the Scorecards page (ranking, rollups, trend, every level).
 */
export const scorecardsPlugin = createFrontendPlugin({
  pluginId: 'scorecards',
  info: { packageJson: () => import('../package.json') },
  extensions: [scorecardsApi, scorecardCard, scorecardContent, scorecardsPage],
  routes: { root: scorecardsRouteRef },
});
