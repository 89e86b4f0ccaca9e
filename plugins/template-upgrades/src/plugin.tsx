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
import { TEMPLATE_ANNOTATION } from '@internal/plugin-template-upgrades-common';
import UpdateIcon from '@material-ui/icons/Update';
import {
  TemplateUpgradesClient,
  templateUpgradesApiRef,
} from './api/TemplateUpgradesClient';
import { templateUpgradesRouteRef } from './routes';

const templateUpgradesApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: templateUpgradesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new TemplateUpgradesClient(deps),
    }),
});

/** Entities generated from a template: they carry its annotation. */
export const isGeneratedFromTemplate = (entity: Entity) =>
  Boolean(entity.metadata.annotations?.[TEMPLATE_ANNOTATION]);

const templateCard = EntityCardBlueprint.make({
  params: {
    filter: isGeneratedFromTemplate,
    loader: async () =>
      import('./components/EntityTemplateCard').then(m => (
        <m.EntityTemplateCard />
      )),
  },
});

const upgradeContent = EntityContentBlueprint.make({
  params: {
    path: 'upgrade',
    title: 'Upgrade',
    filter: isGeneratedFromTemplate,
    loader: async () =>
      import('./components/EntityUpgradeContent').then(m => (
        <m.EntityUpgradeContent />
      )),
  },
});

// Its title and icon make the "Template upgrades" item of the sidebar.
const templateUpgradesPage = PageBlueprint.make({
  params: {
    path: '/template-upgrades',
    title: 'Template upgrades',
    icon: <UpdateIcon fontSize="inherit" />,
    routeRef: templateUpgradesRouteRef,
    loader: () =>
      import('./components/TemplateUpgradesPage').then(m => (
        <m.TemplateUpgradesPage />
      )),
  },
});

/**
 * Template upgrades: a Golden path card and an Upgrade tab on every
 * generated service, and the Template upgrades page (who is behind).
 */
export const templateUpgradesPlugin = createFrontendPlugin({
  pluginId: 'template-upgrades',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    templateUpgradesApi,
    templateCard,
    upgradeContent,
    templateUpgradesPage,
  ],
  routes: { root: templateUpgradesRouteRef },
});
