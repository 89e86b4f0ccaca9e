import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  SLO_SPEC_ANNOTATION,
  sloReadPermission,
} from '@internal/plugin-slo-common';
import {
  Caller,
  entityRefFromParams,
  ErrorSettings,
  errorBoundary,
  parseInput,
  PermissionCheck,
} from '@internal/backend-helpers';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { SloService } from './services/SloService';

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
  const { catalog, slos, logger } = options;
  const router = Router();
  const access = new PermissionCheck(options);

  /**
   * Every route reads SLOs: the caller must be a user allowed slo.read. An
   * entity's SLOs are also read by the portal's own plugins (the scorecards
   * collect them as a service).
   */
  const authorizedUser = (req: express.Request, allow?: Caller[]) =>
    access.credentials(req, sloReadPermission, 'You may not read SLOs', allow);

  /** The entity of the path, read as the user (the catalog decides). */
  async function entityOf(
    req: express.Request,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entityRef = entityRefFromParams(req.params, { brief: true });
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
    const query = parseInput(boardQuery, req.query);
    // Relations rather than spec fields: they hold full references however
    // the catalog file wrote the system or owner.
    const scope: Record<string, string> = {};
    if (query.system) {
      scope['relations.partOf'] = query.system.toLocaleLowerCase('en-US');
    }
    if (query.owner) {
      scope['relations.ownedBy'] = query.owner.toLocaleLowerCase('en-US');
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
