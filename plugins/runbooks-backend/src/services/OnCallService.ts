import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ErrorSettings, publicMessage } from '@internal/backend-helpers';
import {
  EntityRunbooks,
  FiringAlerts,
  ONCALL_INCIDENT_COMMANDER_ANNOTATION,
  ONCALL_PRIMARY_ANNOTATION,
  ONCALL_SCHEDULE_ANNOTATION,
  ONCALL_SECONDARY_ANNOTATION,
  OnCallPerson,
  OnCallRotation,
} from '@internal/plugin-runbooks-common';
import { RunbookDocsConfig } from '../config';
import { joinAlertsToRunbooks } from './joinAlerts';
import { PrometheusAlerts } from './PrometheusAlerts';
import { RunbookFinder, TECHDOCS_REF_ANNOTATION } from './RunbookFinder';
import { RunbookReader } from './RunbookReader';
import { SloLookup } from './SloLookup';

export interface OnCallServiceOptions {
  catalog: CatalogService;
  logger: LoggerService;
  /** What error answers may carry (localPlus.errors). */
  errorSettings: ErrorSettings;
  finder: RunbookFinder;
  /** How docs sites are read: concurrency, time-out, cache (runbooks.docs). */
  docs: RunbookDocsConfig;
  alerts: PrometheusAlerts;
  /** The group whose members and annotations are the rotation. */
  onCallGroup: string;
  /** SLO state beside each alert; optional. */
  slos?: SloLookup;
}

/**
 * What the on-call page is made of, each read as the caller (the catalog's
 * own permissions decide what they see): an entity's runbooks, the firing
 * alerts tied to their services, runbooks and SLO state, and the rotation.
 */
export class OnCallService {
  private readonly options: OnCallServiceOptions;
  private readonly reader: RunbookReader;

  constructor(options: OnCallServiceOptions) {
    this.options = options;
    this.reader = new RunbookReader({
      finder: options.finder,
      logger: options.logger,
      config: options.docs,
    });
  }

  /**
   * The runbooks of an entity: a 404 for an entity the caller cannot see, a
   * 503 naming it when its docs site cannot be read (the detail is logged
   * with a request id).
   */
  async entityRunbooks(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityRunbooks> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef}`);
    }
    const read = await this.reader.read(entity);
    if (!read.ok) throw read.error;
    return read.runbooks;
  }

  /**
   * Every firing alert with its service, runbook and the service's SLO
   * state; the entities whose runbooks could not be read are named.
   */
  async firingAlerts(credentials: BackstageCredentials): Promise<FiringAlerts> {
    const { alerts, slos } = this.options;
    const [firing, entities, sloStates] = await Promise.all([
      alerts.firing(),
      this.entitiesWithDocs(credentials),
      slos?.byService(credentials),
    ]);
    // Bounded: at most runbooks.docs.concurrency reads at once, each waited
    // for at most runbooks.docs.timeoutMs; known runbooks are served at once.
    const reads = await Promise.all(
      entities.map(async e => ({
        entityRef: stringifyEntityRef(e),
        read: await this.reader.read(e),
      })),
    );
    const all = reads.flatMap(r => (r.read.ok ? r.read.runbooks.runbooks : []));
    // One unreadable docs site must not hide every other alert's runbook;
    // the page says whose runbooks are missing.
    const unavailable = reads.flatMap(r =>
      r.read.ok
        ? []
        : [{ entityRef: r.entityRef, message: this.shown(r.read.error) }],
    );
    const components = new Map(
      entities
        .filter(e => e.kind.toLocaleLowerCase('en-US') === 'component')
        .map(e => [e.metadata.name, stringifyEntityRef(e)]),
    );
    return {
      alerts: joinAlertsToRunbooks(firing, all.flat(), service =>
        components.get(service),
      ).map(a => ({
        ...a,
        // The SLO state of the alert's service, when the SLO plugin knows it.
        slo: a.service ? sloStates?.get(a.service) : undefined,
      })),
      unavailable,
    };
  }

  /**
   * The on-call group's rotation: who holds each role (its annotations)
   * and its members, sorted by name.
   */
  async rotation(credentials: BackstageCredentials): Promise<OnCallRotation> {
    const { catalog, onCallGroup } = this.options;
    const group = await catalog.getEntityByRef(onCallGroup, { credentials });
    if (!group) {
      throw new NotFoundError(`No on-call group ${onCallGroup} in the catalog`);
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
    return {
      groupRef: stringifyEntityRef(group),
      schedule: annotations[ONCALL_SCHEDULE_ANNOTATION],
      primary: holder(ONCALL_PRIMARY_ANNOTATION),
      secondary: holder(ONCALL_SECONDARY_ANNOTATION),
      incidentCommander: holder(ONCALL_INCIDENT_COMMANDER_ANNOTATION),
      members: [...people.values()].sort((a, b) =>
        a.displayName.localeCompare(b.displayName),
      ),
    };
  }

  /** The entities with docs, where runbooks are. */
  private async entitiesWithDocs(credentials: BackstageCredentials) {
    const { items } = await this.options.catalog.getEntities(
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

  /** What an answer may say of an error (no internals in production). */
  private shown(error: unknown): string {
    return publicMessage(error, {
      ...this.options.errorSettings,
      pluginId: 'runbooks',
    });
  }
}
