import {
  BackstageCredentials,
  CacheService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EntityRunbooks,
  FiringAlerts,
  ONCALL_INCIDENT_COMMANDER_ANNOTATION,
  ONCALL_PRIMARY_ANNOTATION,
  ONCALL_SCHEDULE_ANNOTATION,
  ONCALL_SECONDARY_ANNOTATION,
  OnCallPerson,
  OnCallRotation,
  runbooksReadPermission,
} from '@internal/plugin-runbooks-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { PrometheusAlerts } from './services/PrometheusAlerts';
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
  cache: CacheService;
  finder: RunbookFinder;
  alerts: PrometheusAlerts;
  onCallGroup: string;
  /** SLO state beside each alert; optional. */
  slos?: SloLookup;
}

const CACHE_TTL_MS = 5 * 60_000;

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, cache, finder, alerts, logger } =
    options;
  const router = Router();

  /** Every route reads: the caller must be a user allowed runbooks.read. */
  async function authorizedUser(req: express.Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: runbooksReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read runbooks');
    }
    return credentials;
  }

  /** Runbooks of one entity, cached a few minutes (they are files). */
  async function runbooksOf(entity: Entity): Promise<EntityRunbooks> {
    const key = `runbooks:${stringifyEntityRef(entity)}`;
    const cached = (await cache.get(key)) as EntityRunbooks | undefined;
    if (cached) return cached;
    const found = await finder.find(entity);
    await cache.set(key, found as any, { ttl: CACHE_TTL_MS });
    return found;
  }

  router.get('/entities/:kind/:namespace/:name/runbooks', async (req, res) => {
    const credentials = await authorizedUser(req);
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
    res.json(await runbooksOf(entity));
  });

  router.get('/alerts', async (req, res) => {
    const credentials = await authorizedUser(req);
    const [firing, entities, slos] = await Promise.all([
      alerts.firing(),
      entitiesWithDocs(credentials),
      options.slos?.byService(credentials),
    ]);
    const all = await Promise.all(
      entities.map(async e => {
        try {
          return (await runbooksOf(e)).runbooks;
        } catch (error) {
          // One unreadable docs site must not hide every other alert's runbook.
          logger.warn(
            `Could not read runbooks of ${stringifyEntityRef(e)}: ${error}`,
          );
          return [];
        }
      }),
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

  return router;
}
