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
import NotificationsActiveIcon from '@material-ui/icons/NotificationsActive';
import { RunbooksClient, runbooksApiRef } from './api/RunbooksClient';
import { onCallRouteRef } from './routes';

const runbooksApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: runbooksApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new RunbooksClient(deps),
    }),
});

// Runbooks live in TechDocs: show them only for entities that have docs.
const hasDocs = {
  'metadata.annotations.backstage.io/techdocs-ref': { $exists: true },
};

const runbooksCard = EntityCardBlueprint.make({
  params: {
    filter: hasDocs,
    loader: async () =>
      import('./components/EntityRunbooksCard').then(m => (
        <m.EntityRunbooksCard />
      )),
  },
});

const runbooksContent = EntityContentBlueprint.make({
  params: {
    path: 'runbooks',
    title: 'Runbooks',
    filter: hasDocs,
    loader: async () =>
      import('./components/EntityRunbooksCard').then(m => (
        <m.EntityRunbooksCard variant="page" />
      )),
  },
});

const onCallPage = PageBlueprint.make({
  params: {
    path: '/on-call',
    title: 'On call',
    icon: <NotificationsActiveIcon />,
    routeRef: onCallRouteRef,
    loader: () => import('./components/OnCallPage').then(m => <m.OnCallPage />),
  },
});

/** Runbooks on entity pages, and the on-call page. */
export const runbooksPlugin = createFrontendPlugin({
  pluginId: 'runbooks',
  info: { packageJson: () => import('../package.json') },
  extensions: [runbooksApi, runbooksCard, runbooksContent, onCallPage],
  routes: { onCall: onCallRouteRef },
});
