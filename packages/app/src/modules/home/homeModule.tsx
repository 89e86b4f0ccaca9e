import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageLayoutBlueprint } from '@backstage/plugin-home-react/alpha';

/**
 * The home page's layout (plugin-home's `page:home` renders it in place of
 * its editable widget grid). app-config.yaml mounts `page:home` at `/`.
 */
const homePageLayout = HomePageLayoutBlueprint.make({
  params: {
    loader: async () => (await import('./HomePage')).HomePage,
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [homePageLayout],
});
