import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'fs-extra';
import { parseAllDocuments } from 'yaml';

/**
 * `catalog:register:local` registers the catalog file of a repository that
 * `publish:local` wrote, as a `file` location — the local counterpart of
 * `catalog:register`. Only files inside the local publish folder can be
 * registered, and the catalog must accept file locations
 * (`localPlus.catalog.allowFileLocations`).
 */
export function createRegisterLocalAction(options: {
  targetDirectory: string | undefined;
  catalog: CatalogService;
}) {
  return createTemplateAction({
    id: 'catalog:register:local',
    description:
      'Registers <repoPath>/<catalogInfoPath> (a repository written by publish:local) in the catalog.',
    supportsDryRun: true,
    schema: {
      input: {
        repoPath: z =>
          z.string().describe('targetPath output of publish:local'),
        catalogInfoPath: z =>
          z
            .string()
            .regex(/^[A-Za-z0-9._/-]{1,200}$/)
            .default('catalog-info.yaml')
            .describe('Catalog file, relative to the repository'),
      },
      output: {
        entityRef: z =>
          z.string().describe('The first Component of the catalog file'),
        catalogInfoUrl: z => z.string().describe('Registered location target'),
      },
    },
    async handler(ctx) {
      const { targetDirectory, catalog } = options;
      if (!targetDirectory) {
        throw new InputError(
          'catalog:register:local is not configured: set scaffolder.localPublish.targetDirectory',
        );
      }
      // Both the repository and its catalog file must stay inside the
      // publish folder: this action must not register arbitrary host files.
      // publish:local's targetPath (absolute) or a folder name inside it.
      const repoPath = resolveSafeChildPath(
        targetDirectory,
        ctx.input.repoPath,
      );
      const catalogFile = resolveSafeChildPath(
        repoPath,
        ctx.input.catalogInfoPath.replace(/^\/+/, ''),
      );
      ctx.output('catalogInfoUrl', catalogFile);

      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${catalogFile}`);
        return;
      }
      const entity = await readMainEntity(catalogFile);
      // On behalf of the user: the catalog checks that they may create
      // locations (catalog.location.create).
      await catalog.addLocation(
        { type: 'file', target: catalogFile },
        { credentials: await ctx.getInitiatorCredentials() },
      );
      const entityRef = stringifyEntityRef(entity);
      ctx.output('entityRef', entityRef);
      ctx.logger.info(
        `Registered ${catalogFile}; ${entityRef} will appear once processed`,
      );
    },
  });
}

async function readMainEntity(file: string): Promise<Entity> {
  if (!(await fs.pathExists(file))) {
    throw new InputError(`${file} does not exist: nothing to register`);
  }
  const documents = parseAllDocuments(await fs.readFile(file, 'utf8'));
  const entities = documents
    .map(d => d.toJS() as Entity | null)
    .filter(
      (e): e is Entity =>
        !!e && typeof e === 'object' && typeof e.kind === 'string',
    );
  const main = entities.find(e => e.kind === 'Component') ?? entities[0];
  if (!main?.metadata?.name) {
    throw new InputError(`${file} holds no catalog entity with a name`);
  }
  return main;
}
