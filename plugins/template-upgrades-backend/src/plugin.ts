import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readErrorSettings } from '@internal/backend-helpers';
import { templateUpgradesPermissions } from '@internal/plugin-template-upgrades-common';
import { readTemplateUpgradesConfig } from './config';
import { GithubClient, parseSlug } from './services/GithubClient';
import { createRouter } from './router';
import { ReleaseRenderer } from './services/ReleaseRenderer';
import { ServiceRepositories } from './services/ServiceRepositories';
import { TemplateReleases } from './services/TemplateReleases';
import { UpgradeService } from './services/UpgradeService';

/**
 * Template upgrades: which services generated from the golden path are
 * behind its newest release, and the upgrade of one, merged three ways
 * with the service's own changes and committed on a branch of its
 * repository.
 *
 * @public
 */
export const templateUpgradesPlugin = createBackendPlugin({
  pluginId: 'template-upgrades',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        deps.permissionsRegistry.addPermissions(templateUpgradesPermissions);
        // Checked at start-up: a bad key or changelog stops the backend.
        const settings = readTemplateUpgradesConfig(config);
        const integrations = ScmIntegrations.fromConfig(config);
        const github =
          settings?.github &&
          new GithubClient(integrations, settings.github.host);
        // Set only with templateUpgrades.github (checked in config.ts).
        const historyGithub = settings?.goldenPath.historyGithub;
        const upgrades =
          settings &&
          new UpgradeService({
            catalog: deps.catalog,
            releases: await TemplateReleases.load({
              ...settings.goldenPath,
              historyGithub:
                historyGithub && github
                  ? { client: github, repo: parseSlug(historyGithub) }
                  : undefined,
            }),
            renderer: new ReleaseRenderer({
              urlReader: deps.urlReader,
              integrations,
              logger,
            }),
            repositories: new ServiceRepositories(
              settings.localRepositories,
              github,
            ),
            logger,
          });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            catalog: deps.catalog,
            upgrades,
            logger,
            errorSettings: readErrorSettings(config),
          }),
        );
      },
    });
  },
});
