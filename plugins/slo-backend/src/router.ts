import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  SLO_SPEC_ANNOTATION,
  sloReadPermission,
} from '@internal/plugin-slo-common';
import { ErrorSettings, errorBoundary } from '@internal/backend-helpers';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { SloService } from './services/SloService';

const entityParams = z.object({
  kind: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/),
  namespace: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/i),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/),
});
const ref = z.string().regex(/^[a-z]+:[a-z0-9-]+\/[a-z0-9._-]+$/i, {
  error: 'expected an entity reference such as group:default/platform-team',
});
const boardQuery = z
  .object({ system: ref.optional(), owner: ref.optional() })
  .strict();

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  slos: SloService;
  logger: LoggerService;
  /** What error answers may carry (localPlus.errors). */
  errorSettings: ErrorSettings;
}): Promise<express.Router> {
  const { httpAuth, permissions, catalog, slos, logger } = options;
  const router = Router();

  /**
   * Every route reads SLOs: the caller must be a user allowed slo.read. An
   * entity's SLOs are also read by the portal's own plugins (the scorecards
   * collect them as a service).
   */
  async function authorizedUser(
    req: express.Request,
    allow: Array<'user' | 'service'> = ['user'],
  ) {
    const credentials = await httpAuth.credentials(req, { allow });
    const [decision] = await permissions.authorize(
      [{ permission: sloReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read SLOs');
    }
    return credentials;
  }

  /** The entity of the path, read as the user (the catalog decides). */
  async function entityOf(
    req: express.Request,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const params = entityParams.safeParse(req.params);
    if (!params.success) {
      throw new InputError(
        `Invalid entity reference: ${params.error.issues[0].path.join('.')}`,
      );
    }
    const entityRef = stringifyEntityRef(params.data);
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    return entity;
  }

  router.get('/entities/:kind/:namespace/:name/slos', async (req, res) => {
    const credentials = await authorizedUser(req, ['user', 'service']);
    res.json(await slos.forEntities([await entityOf(req, credentials)]));
  });

  router.get(
    '/entities/:kind/:namespace/:name/slos/history',
    async (req, res) => {
      const credentials = await authorizedUser(req);
      res.json(await slos.history(await entityOf(req, credentials)));
    },
  );

  router.get('/board', async (req, res) => {
    const credentials = await authorizedUser(req);
    const query = boardQuery.safeParse(req.query);
    if (!query.success) {
      const issue = query.error.issues[0];
      throw new InputError(
        `Invalid query ${issue.path.join('.') || ''}: ${issue.message}`,
      );
    }
    // Relations rather than spec fields: they hold full references however
    // the catalog file wrote the system or owner.
    const scope: Record<string, string> = {};
    if (query.data.system) {
      scope['relations.partOf'] = query.data.system.toLocaleLowerCase('en-US');
    }
    if (query.data.owner) {
      scope['relations.ownedBy'] = query.data.owner.toLocaleLowerCase('en-US');
    }
    // Every service, and any other component that declares an SLO spec
    // (platform components such as ArgoCD or Prometheus).
    const { items } = await catalog.getEntities(
      {
        filter: [
          { kind: 'component', 'spec.type': 'service', ...scope },
          {
            kind: 'component',
            [`metadata.annotations.${SLO_SPEC_ANNOTATION}`]:
              CATALOG_FILTER_EXISTS,
            ...scope,
          },
        ],
        fields: ['kind', 'metadata', 'spec.system', 'spec.owner'],
      },
      { credentials },
    );
    res.json(await slos.forEntities(items));
  });

  // Last: server errors logged with a request id, answers without internals.
  router.use(
    errorBoundary({ logger, settings: options.errorSettings, pluginId: 'slo' }),
  );
  return router;
}
