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
import { SLO_SPEC_ANNOTATION } from '@internal/plugin-slo-common';
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

// SLOs belong to running services, and to any component that declares an
// SLO spec (platform components such as ArgoCD or Prometheus).
const hasSlos = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'component' &&
  (entity.spec?.type === 'service' ||
    Boolean(entity.metadata.annotations?.[SLO_SPEC_ANNOTATION]));

const sloCard = EntityCardBlueprint.make({
  params: {
    filter: hasSlos,
    loader: async () =>
      import('./components/EntitySloCard').then(m => <m.EntitySloCard />),
  },
});

const sloContent = EntityContentBlueprint.make({
  params: {
    path: 'slo',
    title: 'SLO',
    filter: hasSlos,
    loader: async () =>
      import('./components/EntitySloContent').then(m => <m.EntitySloContent />),
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
