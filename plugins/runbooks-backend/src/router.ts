import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { runbooksReadPermission } from '@internal/plugin-runbooks-common';
import {
  Caller,
  entityRefFromParams,
  errorBoundary,
  PermissionCheck,
} from '@internal/backend-helpers';
import express from 'express';
import Router from 'express-promise-router';
import { OnCallService, OnCallServiceOptions } from './services/OnCallService';

export interface RouterOptions extends OnCallServiceOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

/**
 * The routes: each checks the caller and its input, then asks the
 * OnCallService, which reads everything as the caller.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const onCall = new OnCallService(options);
  const router = Router();

  /** Every route reads: the caller must be a user allowed runbooks.read. */
  const access = new PermissionCheck(options);
  const authorizedUser = (req: express.Request, allow?: Caller[]) =>
    access.credentials(
      req,
      runbooksReadPermission,
      'You may not read runbooks',
      allow,
    );

  router.get('/entities/:kind/:namespace/:name/runbooks', async (req, res) => {
    // An entity's runbooks are also read by the portal's own plugins (the
    // scorecards collect them as a service).
    const credentials = await authorizedUser(req, ['user', 'service']);
    const ref = entityRefFromParams(req.params, { brief: true });
    res.json(await onCall.entityRunbooks(ref, credentials));
  });

  router.get('/alerts', async (req, res) => {
    res.json(await onCall.firingAlerts(await authorizedUser(req)));
  });

  router.get('/oncall', async (req, res) => {
    res.json(await onCall.rotation(await authorizedUser(req)));
  });

  // Last: server errors logged with a request id, answers without internals.
  router.use(
    errorBoundary({
      logger: options.logger,
      settings: options.errorSettings,
      pluginId: 'runbooks',
    }),
  );
  return router;
}
