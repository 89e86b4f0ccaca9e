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
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Caller,
  entityRefFromParams,
  ErrorSettings,
  errorBoundary,
  parseInput,
  PermissionCheck,
} from '@internal/backend-helpers';
import {
  templateUpgradesCreatePermission,
  templateUpgradesReadPermission,
} from '@internal/plugin-template-upgrades-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { UpgradeService } from './services/UpgradeService';

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
  const { httpAuth, auditor, catalog, logger } = options;
  const router = Router();
  const access = new PermissionCheck(options);
  router.use(express.json({ limit: '1kb' }));

  function upgrades(): UpgradeService {
    if (!options.upgrades) {
      throw new ServiceUnavailableError(
        'Template upgrades are not configured: set templateUpgrades.goldenPath in the portal config',
      );
    }
    return options.upgrades;
  }

  const reader = (req: express.Request, allow?: Caller[]) =>
    access.credentials(
      req,
      templateUpgradesReadPermission,
      'You may not read template upgrades',
      allow,
    );

  /** The path's entity, read as the user (the catalog decides visibility). */
  async function entityOf(
    req: express.Request,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    parseInput(emptyQuery, req.query, 'query');
    const ref = entityRefFromParams(req.params);
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
      await access.authorize(
        credentials,
        templateUpgradesCreatePermission,
        `You may not upgrade ${entityRef}: its owning team and platform admins may`,
        entityRef,
      );
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
