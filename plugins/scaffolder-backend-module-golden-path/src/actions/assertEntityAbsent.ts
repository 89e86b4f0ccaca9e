import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';

/**
 * `catalog:entity:assert-absent` fails the task when an entity with the given
 * reference already exists, before anything is generated or published: a
 * new service must not take the name of an existing one. The form checks
 * the same thing as the user types; this is the check that cannot be
 * skipped (API calls, stale forms, two people racing for one name).
 */
export function createAssertEntityAbsentAction(options: {
  catalog: CatalogService;
}) {
  return createTemplateAction({
    id: 'catalog:entity:assert-absent',
    description:
      'Fails when the catalog already has an entity with this reference (any namespace-less kind lookup uses defaultKind).',
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z.string().max(300).describe('e.g. component:default/svc-rewards'),
        defaultKind: z => z.string().max(50).default('component'),
      },
    },
    async handler(ctx) {
      let ref;
      try {
        ref = parseEntityRef(ctx.input.entityRef, {
          defaultKind: ctx.input.defaultKind,
          defaultNamespace: 'default',
        });
      } catch (error) {
        throw new InputError(
          `"${ctx.input.entityRef}" is not an entity reference: ${error}`,
        );
      }
      const existing = await options.catalog.getEntityByRef(ref, {
        credentials: await ctx.getInitiatorCredentials(),
      });
      if (existing) {
        throw new ConflictError(
          `${stringifyEntityRef(ref)} already exists in the catalog (owner ${
            (existing.spec?.owner as string | undefined) ?? 'unknown'
          }); choose another name`,
        );
      }
      ctx.logger.info(`${stringifyEntityRef(ref)} is free`);
    },
  });
}
