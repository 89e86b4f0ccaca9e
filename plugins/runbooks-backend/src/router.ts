import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  FiringAlerts,
  ONCALL_INCIDENT_COMMANDER_ANNOTATION,
  ONCALL_PRIMARY_ANNOTATION,
  ONCALL_SCHEDULE_ANNOTATION,
  ONCALL_SECONDARY_ANNOTATION,
  OnCallPerson,
  OnCallRotation,
  runbooksReadPermission,
} from '@internal/plugin-runbooks-common';
import {
  ErrorSettings,
  errorBoundary,
  publicMessage,
} from '@internal/backend-helpers';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { RunbookDocsConfig } from './config';
import { PrometheusAlerts } from './services/PrometheusAlerts';
import { RunbookReader } from './services/RunbookReader';
import {
  RunbookFinder,
  TECHDOCS_REF_ANNOTATION,
} from './services/RunbookFinder';
import { joinAlertsToRunbooks } from './services/joinAlerts';
import { SloLookup } from './services/SloLookup';

const entityParams = z.object({
  kind: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/),
  namespace: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/i),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/),
});

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  logger: LoggerService;
  /** What error answers may carry (localPlus.errors). */
  errorSettings: ErrorSettings;
  finder: RunbookFinder;
  /** How docs sites are read: concurrency, time-out, cache (runbooks.docs). */
  docs: RunbookDocsConfig;
  alerts: PrometheusAlerts;
  onCallGroup: string;
  /** SLO state beside each alert; optional. */
  slos?: SloLookup;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, finder, alerts, logger } = options;
  const router = Router();
  const reader = new RunbookReader({ finder, logger, config: options.docs });
  const shown = (error: unknown) =>
    publicMessage(error, { ...options.errorSettings, pluginId: 'runbooks' });

  /** Every route reads: the caller must be a user allowed runbooks.read. */
  // An entity's runbooks are also read by the portal's own plugins (the
  // scorecards collect them as a service).
  async function authorizedUser(
    req: express.Request,
    allow: Array<'user' | 'service'> = ['user'],
  ) {
    const credentials = await httpAuth.credentials(req, { allow });
    const [decision] = await permissions.authorize(
      [{ permission: runbooksReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read runbooks');
    }
    return credentials;
  }

  router.get('/entities/:kind/:namespace/:name/runbooks', async (req, res) => {
    const credentials = await authorizedUser(req, ['user', 'service']);
    const parsed = entityParams.safeParse(req.params);
    if (!parsed.success) {
      throw new InputError(
        `Invalid entity reference: ${parsed.error.issues[0].path.join('.')}`,
      );
    }
    const ref = stringifyEntityRef(parsed.data);
    // Read as the user: the catalog's own permissions decide visibility.
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${ref}`);
    }
    const read = await reader.read(entity);
    // A 503 naming the entity; the detail is logged with a request id.
    if (!read.ok) throw read.error;
    res.json(read.runbooks);
  });

  router.get('/alerts', async (req, res) => {
    const credentials = await authorizedUser(req);
    const [firing, entities, slos] = await Promise.all([
      alerts.firing(),
      entitiesWithDocs(credentials),
      options.slos?.byService(credentials),
    ]);
    // Bounded: at most runbooks.docs.concurrency reads at once, each waited
    // for at most runbooks.docs.timeoutMs; known runbooks are served at once.
    const reads = await Promise.all(
      entities.map(async e => ({
        entityRef: stringifyEntityRef(e),
        read: await reader.read(e),
      })),
    );
    const all = reads.flatMap(r => (r.read.ok ? r.read.runbooks.runbooks : []));
    // One unreadable docs site must not hide every other alert's runbook;
    // the page says whose runbooks are missing.
    const unavailable = reads.flatMap(r =>
      r.read.ok
        ? []
        : [{ entityRef: r.entityRef, message: shown(r.read.error) }],
    );
    const components = new Map(
      entities
        .filter(e => e.kind.toLocaleLowerCase('en-US') === 'component')
        .map(e => [e.metadata.name, stringifyEntityRef(e)]),
    );
    const body: FiringAlerts = {
      alerts: joinAlertsToRunbooks(firing, all.flat(), service =>
        components.get(service),
      ).map(a => ({
        ...a,
        // The SLO state of the alert's service, when the SLO plugin knows it.
        slo: a.service ? slos?.get(a.service) : undefined,
      })),
      unavailable,
    };
    res.json(body);
  });

  router.get('/oncall', async (req, res) => {
    const credentials = await authorizedUser(req);
    const group = await catalog.getEntityByRef(options.onCallGroup, {
      credentials,
    });
    if (!group) {
      throw new NotFoundError(
        `No on-call group ${options.onCallGroup} in the catalog`,
      );
    }
    const memberRefs = (group.relations ?? [])
      .filter(r => r.type === 'hasMember')
      .map(r => r.targetRef);
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: memberRefs },
      { credentials },
    );
    const people = new Map<string, OnCallPerson>();
    for (const user of items) {
      if (!user) continue;
      const profile = (user.spec?.profile ?? {}) as {
        displayName?: string;
        email?: string;
      };
      const userRef = stringifyEntityRef(user);
      people.set(userRef, {
        userRef,
        displayName: profile.displayName ?? user.metadata.name,
        email: profile.email,
      });
    }
    const annotations = group.metadata.annotations ?? {};
    const holder = (annotation: string): OnCallPerson | undefined => {
      const value = annotations[annotation];
      if (!value) return undefined;
      const ref = stringifyEntityRef(
        parseEntityRef(value, { defaultKind: 'user' }),
      );
      return people.get(ref) ?? { userRef: ref, displayName: ref };
    };
    const rotation: OnCallRotation = {
      groupRef: stringifyEntityRef(group),
      schedule: annotations[ONCALL_SCHEDULE_ANNOTATION],
      primary: holder(ONCALL_PRIMARY_ANNOTATION),
      secondary: holder(ONCALL_SECONDARY_ANNOTATION),
      incidentCommander: holder(ONCALL_INCIDENT_COMMANDER_ANNOTATION),
      members: [...people.values()].sort((a, b) =>
        a.displayName.localeCompare(b.displayName),
      ),
    };
    res.json(rotation);
  });

  async function entitiesWithDocs(credentials: BackstageCredentials) {
    const { items } = await catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${TECHDOCS_REF_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
      },
      { credentials },
    );
    return items;
  }

  // Last: server errors logged with a request id, answers without internals.
  router.use(
    errorBoundary({
      logger,
      settings: options.errorSettings,
      pluginId: 'runbooks',
    }),
  );
  return router;
}
