import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  DATABASE_TABLE_TYPE,
  KAFKA_TOPIC_TYPE,
} from '@internal/plugin-data-ownership-common';
import StorageIcon from '@material-ui/icons/Storage';
import { dataOwnershipRouteRef } from './routes';

/** Tables and topics of a running service. */
const dataCard = EntityCardBlueprint.make({
  name: 'data',
  params: {
    filter: { kind: 'component', 'spec.type': 'service' },
    loader: async () =>
      import('./components/EntityDataCard').then(m => <m.EntityDataCard />),
  },
});

/** Columns and their flags, on table pages. */
const columnsCard = EntityCardBlueprint.make({
  name: 'table-columns',
  params: {
    filter: { kind: 'resource', 'spec.type': DATABASE_TABLE_TYPE },
    loader: async () =>
      import('./components/EntityColumnsCard').then(m => (
        <m.EntityColumnsCard />
      )),
  },
});

/** Both sides of a topic, on topic pages. */
const topicCard = EntityCardBlueprint.make({
  name: 'topic',
  params: {
    filter: { kind: 'resource', 'spec.type': KAFKA_TOPIC_TYPE },
    loader: async () =>
      import('./components/EntityTopicCard').then(m => <m.EntityTopicCard />),
  },
});

const page = PageBlueprint.make({
  params: {
    path: '/data-ownership',
    title: 'Data ownership',
    icon: <StorageIcon />,
    routeRef: dataOwnershipRouteRef,
    loader: () =>
      import('./components/DataOwnershipPage').then(m => (
        <m.DataOwnershipPage />
      )),
  },
});

/**
 * Data ownership: a "Data" card on service pages, columns on table pages,
 * producers and consumers on topic pages, and the data ownership page for
 * compliance reviewers. Everything is read from the catalog, where the
 * data-ownership catalog module puts it.
 */
export const dataOwnershipPlugin = createFrontendPlugin({
  pluginId: 'data-ownership',
  info: { packageJson: () => import('../package.json') },
  extensions: [dataCard, columnsCard, topicCard, page],
  routes: { root: dataOwnershipRouteRef },
});
