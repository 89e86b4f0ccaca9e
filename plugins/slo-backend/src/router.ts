import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  SLO_SERVICE_ANNOTATION,
  SloStatus,
  sloReadPermission,
} from '@internal/plugin-slo-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { SloReader } from './services/SloReader';

const entityParams = z.object({
  kind: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/),
  namespace: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/i),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/),
});
const ref = z.string().regex(/^[a-z]+:[a-z0-9-]+\/[a-z0-9._-]+$/i);
const boardQuery = z
  .object({ system: ref.optional(), owner: ref.optional() })
  .strict();

/** The service name Sloth knows an entity by. */
export function sloServiceOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[SLO_SERVICE_ANNOTATION] ??
    entity.metadata.name
  );
}

const URGENCY = { page: 0, ticket: 1, ok: 2 } as const;
/** Most urgent first: alert state, then the least budget left. */
export function byUrgency(a: SloStatus, b: SloStatus): number {
  return (
    URGENCY[a.alert] - URGENCY[b.alert] ||
    (a.errorBudget.remainingRatio ?? Infinity) -
      (b.errorBudget.remainingRatio ?? Infinity) ||
    a.service.localeCompare(b.service)
  );
}

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  reader: SloReader;
}): Promise<express.Router> {
  const { httpAuth, permissions, catalog, reader } = options;
  const router = Router();

  async function authorizedUser(req: express.Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: sloReadPermission }],
      {
        credentials,
      },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read SLOs');
    }
    return credentials;
  }

  router.get('/entities/:kind/:namespace/:name/slos', async (req, res) => {
    const credentials = await authorizedUser(req);
    const params = entityParams.safeParse(req.params);
    if (!params.success) {
      throw new InputError(
        `Invalid entity reference: ${params.error.issues[0].path.join('.')}`,
      );
    }
    const entityRef = stringifyEntityRef(params.data);
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    const result = await reader.read([sloServiceOf(entity)]);
    res.json({
      ...result,
      slos: result.slos.sort(byUrgency).map(s => ({ ...s, entityRef })),
    });
  });

  router.get('/board', async (req, res) => {
    const credentials = await authorizedUser(req);
    const query = boardQuery.safeParse(req.query);
    if (!query.success) {
      const issue = query.error.issues[0];
      throw new InputError(
        `Invalid query ${issue.path.join('.') || ''}: ${issue.message}`,
      );
    }
    const filter: Record<string, string | symbol> = {
      kind: 'component',
      'spec.type': 'service',
    };
    if (query.data.system) filter['spec.system'] = query.data.system;
    if (query.data.owner) filter['spec.owner'] = query.data.owner;
    const { items } = await catalog.getEntities(
      {
        filter,
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
          'spec.system',
          'spec.owner',
        ],
      },
      { credentials },
    );
    const entityOfService = new Map(
      items.map(e => [sloServiceOf(e), stringifyEntityRef(e)]),
    );
    const result = await reader.read([...entityOfService.keys()]);
    res.json({
      ...result,
      slos: result.slos
        .map(s => ({ ...s, entityRef: entityOfService.get(s.service) }))
        .sort(byUrgency),
    });
  });

  return router;
}
