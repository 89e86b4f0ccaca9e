import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import {
  jsonPlaceholderResolver,
  textPlaceholderResolver,
  yamlPlaceholderResolver,
} from './placeholderResolvers';

/**
 * Catalog files on the backend's own disk:
 * - `$text`, `$yaml` and `$json` placeholders that read files beside the
 *   catalog file;
 * - when `localPlus.catalog.allowFileLocations` is true (development and
 *   tests only), `file` locations may be registered through the catalog API,
 *   so that repositories written by `publish:local` can be registered the
 *   way `catalog:register` registers GitHub ones. Production keeps the
 *   catalog's default, URL locations only: a file location reads the host.
 */
export const catalogModuleLocalFiles = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'local-files',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        locations: catalogLocationsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ catalog, locations, config, logger }) {
        catalog.addPlaceholderResolver('text', textPlaceholderResolver);
        catalog.addPlaceholderResolver('yaml', yamlPlaceholderResolver);
        catalog.addPlaceholderResolver('json', jsonPlaceholderResolver);
        if (
          config.getOptionalBoolean('localPlus.catalog.allowFileLocations') ??
          false
        ) {
          locations.setAllowedLocationTypes(['url', 'file']);
          logger.warn(
            'file locations can be registered through the catalog API (localPlus.catalog.allowFileLocations); do not enable this in production',
          );
        }
      },
    });
  },
});
