import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  entityRefFromParams,
  ErrorSettings,
  errorBoundary,
  parseInput,
  PermissionCheck,
} from '@internal/backend-helpers';
import {
  ROLLUP_DIMENSIONS,
  scorecardsReadPermission,
  scorecardsRefreshPermission,
} from '@internal/plugin-scorecards-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ScorecardService } from './services/ScorecardService';

const ref = z
  .string()
  .regex(/^[a-z]+:[a-z0-9-]+\/[a-z0-9._-]+$/i, {
    error: 'expected an entity reference such as group:default/product-team',
  })
  .transform(v => v.toLocaleLowerCase('en-US'));
const listQuery = z.strictObject({
  owner: ref.optional(),
  system: ref.optional(),
  domain: ref.optional(),
});
const rollupQuery = z.strictObject({
  by: z.enum(ROLLUP_DIMENSIONS, {
    error: `expected one of ${ROLLUP_DIMENSIONS.join(', ')}`,
  }),
});
const trendQuery = (retentionDays: number) =>
  z.strictObject({
    days: z
      .string()
      .regex(
        /^\d+$/,
        `expected a whole number of days from 1 to ${retentionDays}`,
      )
      .transform(Number)
      .pipe(
        z
          .number()
          .min(1, `expected a whole number of days from 1 to ${retentionDays}`)
          .max(
            retentionDays,
            `at most ${retentionDays} days are kept (scorecards.retentionDays)`,
          ),
      )
      .default(30),
  });
const emptyQuery = z.strictObject({});

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  scorecards: ScorecardService;
  logger: LoggerService;
  retentionDays: number;
  frequencyMinutes: number;
  errorSettings: ErrorSettings;
}): Promise<express.Router> {
  const { auditor, catalog, scorecards, logger } = options;
  const router = Router();
  router.use(express.json({ limit: '1kb' }));

  /** Every route is for signed-in users allowed the permission. */
  const access = new PermissionCheck(options);
  const reader = (req: express.Request) =>
    access.credentials(
      req,
      scorecardsReadPermission,
      'You may not read scorecards',
    );

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await reader(req);
    const entityRef = entityRefFromParams(req.params);
    parseInput(emptyQuery, req.query);
    // Read as the user: the catalog's own permissions decide visibility.
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    const card = await scorecards.forEntity(stringifyEntityRef(entity));
    if (!card) {
      throw new NotFoundError(
        `${stringifyEntityRef(
          entity,
        )} has no scorecard yet: services (components of type service) are scored every ${
          options.frequencyMinutes
        } minutes`,
      );
    }
    res.json(card);
  });

  router.get('/scorecards', async (req, res) => {
    await reader(req);
    res.json(await scorecards.list(parseInput(listQuery, req.query)));
  });

  router.get('/rollups', async (req, res) => {
    await reader(req);
    res.json(await scorecards.rollup(parseInput(rollupQuery, req.query).by));
  });

  router.get('/ranking', async (req, res) => {
    await reader(req);
    parseInput(emptyQuery, req.query);
    res.json(await scorecards.ranking());
  });

  router.get('/trend', async (req, res) => {
    await reader(req);
    const { days } = parseInput(trendQuery(options.retentionDays), req.query);
    res.json(await scorecards.trend(days));
  });

  router.post('/refresh', async (req, res) => {
    const credentials = await access.credentials(
      req,
      scorecardsRefreshPermission,
      'You may not collect scorecards now',
    );
    parseInput(emptyQuery, req.query);
    if (req.body && Object.keys(req.body).length > 0) {
      throw new InputError('Invalid body: POST /refresh takes no body');
    }
    // Who asked for a collection, and how it ended, is on record.
    const audit = await auditor.createEvent({
      eventId: 'scorecards-refresh',
      severityLevel: 'low',
      request: req,
    });
    try {
      const info = await scorecards.collect();
      await audit.success({
        meta: { collection: info.id, services: info.services },
      });
      logger.info(
        `Scorecards collection ${info.id} requested by ${credentials.principal.userEntityRef}`,
      );
      res.json(info);
    } catch (e) {
      await audit.fail({ error: e as Error });
      throw e;
    }
  });

  router.use(
    errorBoundary({
      logger,
      settings: options.errorSettings,
      pluginId: 'scorecards',
    }),
  );
  return router;
}
