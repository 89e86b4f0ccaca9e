import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { parseInput } from '../errors/parseInput';

/**
 * What each part of an entity reference may hold in a route's path
 * (`/entities/:kind/:namespace/:name/...`): the one definition every
 * router uses.
 */
export const entityRefParams = z.object({
  kind: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, 'expected a kind'),
  namespace: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'expected a namespace'),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected an entity name'),
});

/**
 * The entity reference (`component:default/svc-ledger`) of a route's
 * `:kind/:namespace/:name` parameters, or a 400 that names the part:
 * "Invalid entity reference name: expected an entity name", or with
 * `brief`, the part only: "Invalid entity reference: name".
 */
export function entityRefFromParams(
  params: unknown,
  options: { brief?: boolean } = {},
): string {
  if (options.brief) {
    const parsed = entityRefParams.safeParse(params);
    if (!parsed.success) {
      throw new InputError(
        `Invalid entity reference: ${parsed.error.issues[0].path.join('.')}`,
      );
    }
    return stringifyEntityRef(parsed.data);
  }
  return stringifyEntityRef(
    parseInput(entityRefParams, params, 'entity reference'),
  );
}
