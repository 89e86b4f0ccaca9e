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
import TrackChangesIcon from '@material-ui/icons/TrackChanges';
import { SloClient, sloApiRef } from './api/SloClient';
import { sloBoardRouteRef } from './routes';

const sloApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: sloApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new SloClient(deps),
    }),
});

// SLOs belong to running services.
const isService = { kind: 'component', 'spec.type': 'service' };

const sloCard = EntityCardBlueprint.make({
  params: {
    filter: isService,
    loader: async () =>
      import('./components/SloCards').then(m => <m.EntitySloCard />),
  },
});

const sloContent = EntityContentBlueprint.make({
  params: {
    path: 'slo',
    title: 'SLO',
    filter: isService,
    loader: async () =>
      import('./components/SloCards').then(m => (
        <m.EntitySloCard variant="page" />
      )),
  },
});

const sloBoard = PageBlueprint.make({
  params: {
    path: '/slo',
    title: 'SLO board',
    icon: <TrackChangesIcon />,
    routeRef: sloBoardRouteRef,
    loader: () =>
      import('./components/SloBoardPage').then(m => <m.SloBoardPage />),
  },
});

/** SLO cards and tab on service pages, and the SLO board. */
export const sloPlugin = createFrontendPlugin({
  pluginId: 'slo',
  info: { packageJson: () => import('../package.json') },
  extensions: [sloApi, sloCard, sloContent, sloBoard],
  routes: { board: sloBoardRouteRef },
});
