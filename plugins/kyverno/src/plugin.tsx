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
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import { KyvernoClient, kyvernoApiRef } from './api/KyvernoClient';
import { hasKubernetesWorkloads } from './annotations';
import { complianceRouteRef } from './routes';

const kyvernoApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kyvernoApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new KyvernoClient(deps),
    }),
});

const policyCard = EntityCardBlueprint.make({
  params: {
    filter: hasKubernetesWorkloads,
    loader: async () =>
      import('./components/EntityPolicyCard').then(m => <m.EntityPolicyCard />),
  },
});

const policyContent = EntityContentBlueprint.make({
  params: {
    path: 'policies',
    title: 'Policies',
    filter: hasKubernetesWorkloads,
    loader: async () =>
      import('./components/EntityPolicyContent').then(m => (
        <m.EntityPolicyContent />
      )),
  },
});

// Its title and icon make the "Compliance" item of the sidebar.
const compliancePage = PageBlueprint.make({
  params: {
    path: '/compliance',
    title: 'Compliance',
    icon: <VerifiedUserIcon fontSize="inherit" />,
    routeRef: complianceRouteRef,
    loader: () =>
      import('./components/CompliancePage').then(m => <m.CompliancePage />),
  },
});

/**
 * Kyverno policy reports: a card and a Policies tab on entities with
 * Kubernetes workloads, and the compliance page (standards and controls,
 * findings, trend, evidence export).
 */
export const kyvernoPlugin = createFrontendPlugin({
  pluginId: 'kyverno',
  info: { packageJson: () => import('../package.json') },
  extensions: [kyvernoApi, policyCard, policyContent, compliancePage],
  routes: { compliance: complianceRouteRef },
});
