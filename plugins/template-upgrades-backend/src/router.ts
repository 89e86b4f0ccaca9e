import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ErrorSettings,
  errorBoundary,
  parseInput,
} from '@internal/backend-helpers';
import {
  templateUpgradesCreatePermission,
  templateUpgradesReadPermission,
} from '@internal/plugin-template-upgrades-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { UpgradeService } from './services/UpgradeService';

const entityParams = z.object({
  kind: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, 'expected a kind'),
  namespace: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'expected a namespace'),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected an entity name'),
});
const emptyQuery = z.strictObject({});

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  /** Undefined when templateUpgrades is not configured. */
  upgrades?: UpgradeService;
  logger: LoggerService;
  errorSettings: ErrorSettings;
}): Promise<express.Router> {
  const { httpAuth, permissions, auditor, catalog, logger } = options;
  const router = Router();
  router.use(express.json({ limit: '1kb' }));

  function upgrades(): UpgradeService {
    if (!options.upgrades) {
      throw new ServiceUnavailableError(
        'Template upgrades are not configured: set templateUpgrades.goldenPath in the portal config',
      );
    }
    return options.upgrades;
  }

  async function reader(
    req: express.Request,
    allow: Array<'user' | 'service'> = ['user'],
  ) {
    const credentials = await httpAuth.credentials(req, { allow });
    const [decision] = await permissions.authorize(
      [{ permission: templateUpgradesReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read template upgrades');
    }
    return credentials;
  }

  /** The path's entity, read as the user (the catalog decides visibility). */
  async function entityOf(
    req: express.Request,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    parseInput(emptyQuery, req.query, 'query');
    const ref = stringifyEntityRef(
      parseInput(entityParams, req.params, 'entity reference'),
    );
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${ref}`);
    return entity;
  }

  router.get('/drift', async (req, res) => {
    // Also read by the portal's scorecards, as a service, once per collection.
    const credentials = await reader(req, ['user', 'service']);
    parseInput(emptyQuery, req.query, 'query');
    res.json(await upgrades().drift(credentials));
  });

  router.get('/entities/:kind/:namespace/:name/drift', async (req, res) => {
    const credentials = await reader(req);
    const entity = await entityOf(req, credentials);
    const drift = upgrades().driftOf(entity);
    if (!drift) {
      throw new NotFoundError(
        `${stringifyEntityRef(
          entity,
        )} was not generated from a template the portal upgrades`,
      );
    }
    res.json(drift);
  });

  router.get('/entities/:kind/:namespace/:name/proposal', async (req, res) => {
    const credentials = await reader(req);
    res.json(await upgrades().proposal(await entityOf(req, credentials)));
  });

  router.post('/entities/:kind/:namespace/:name/upgrade', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entity = await entityOf(req, credentials);
    if (req.body && Object.keys(req.body).length > 0) {
      throw new InputError('Invalid body: POST /upgrade takes no body');
    }
    const entityRef = stringifyEntityRef(entity);
    const audit = await auditor.createEvent({
      eventId: 'template-upgrade',
      severityLevel: 'medium',
      request: req,
      meta: { entityRef },
    });
    try {
      // The owning team and platform admins (the catalog's owner rule).
      const [decision] = await permissions.authorize(
        [
          {
            permission: templateUpgradesCreatePermission,
            resourceRef: entityRef,
          },
        ],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You may not upgrade ${entityRef}: its owning team and platform admins may`,
        );
      }
      const result = await upgrades().upgrade(
        entity,
        await authorOf(credentials),
      );
      await audit.success({
        meta: {
          entityRef,
          from: result.from,
          to: result.to,
          branch: result.branch,
          commit: result.commit,
          conflicts: result.conflicts.length,
        },
      });
      logger.info(
        `Template upgrade of ${entityRef} to ${result.to} on branch ${result.branch} (${result.commit}) by ${credentials.principal.userEntityRef}`,
      );
      res.status(201).json(result);
    } catch (e) {
      await audit.fail({ error: e as Error });
      throw e;
    }
  });

  /** Who the commit is by: the user's catalog profile. */
  async function authorOf(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) {
    const ref = credentials.principal.userEntityRef;
    const user = await catalog
      .getEntityByRef(ref, { credentials })
      .catch(() => undefined);
    const profile = (user?.spec?.profile ?? {}) as {
      displayName?: string;
      email?: string;
    };
    return {
      name: profile.displayName ?? ref,
      email: profile.email ?? 'portal@local-plus.example',
    };
  }

  router.use(
    errorBoundary({
      logger,
      settings: options.errorSettings,
      pluginId: 'template-upgrades',
    }),
  );
  return router;
}
