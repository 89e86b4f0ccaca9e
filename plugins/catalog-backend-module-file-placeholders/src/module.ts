import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { textPlaceholderResolver } from './textPlaceholderResolver';

/** Replaces the catalog's `$text` resolver with one that also reads files. */
export const catalogModuleFilePlaceholders = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'file-placeholders',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addPlaceholderResolver('text', textPlaceholderResolver);
      },
    });
  },
});
