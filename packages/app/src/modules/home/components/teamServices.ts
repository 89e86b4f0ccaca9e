import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CATALOG_FILTER_EXISTS,
  CatalogApi,
} from '@backstage/plugin-catalog-react';
import { IdentityApi } from '@backstage/frontend-plugin-api';
import {
  ANNOTATION_DATA_FINDINGS,
  DataFinding,
  readFindings,
  RELATION_PRODUCED_BY,
  RELATION_TABLE_OWNED_BY,
} from '@internal/plugin-data-ownership';
import { DeadLetterList, DlqApi, hasDeadLetters } from '@internal/plugin-dlq';
import { SloApi, SloList, SloWithEntity } from '@internal/plugin-slo';

/** Table → the services that claim it; topic → its producers. */
const FINDING_RELATIONS: string[] = [
  RELATION_TABLE_OWNED_BY,
  RELATION_PRODUCED_BY,
];

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** A reference as the catalog indexes it: lower case, full. */
export const refOf = (entity: Entity) => lower(stringifyEntityRef(entity));

/** The signed-in user's ownership and the components it owns. */
export type Team = {
  /** The identity's ownership references (user and groups), lower case. */
  owners: string[];
  /** The components they own: services first, then by name. */
  components: Entity[];
};

/** What the table reads of each component. */
const COMPONENT_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'metadata.annotations',
  'spec.type',
  'spec.owner',
  'relations',
];

export async function loadTeam(
  identityApi: IdentityApi,
  catalogApi: CatalogApi,
): Promise<Team> {
  const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
  const owners = [...new Set(ownershipEntityRefs.map(lower))];
  if (owners.length === 0) return { owners, components: [] };
  const { items } = await catalogApi.getEntities({
    // The array last: any of the owners.
    filter: { kind: 'component', 'relations.ownedBy': owners },
    fields: COMPONENT_FIELDS,
  });
  const isService = (e: Entity) => (e.spec?.type === 'service' ? 0 : 1);
  return {
    owners,
    components: [...items].sort(
      (a, b) =>
        isService(a) - isService(b) ||
        a.metadata.name.localeCompare(b.metadata.name),
    ),
  };
}

/** The owners (of the user's) that own at least one of the components. */
export function owningRefs(team: Team): string[] {
  const mine = new Set(team.owners);
  const found = new Set<string>();
  for (const entity of team.components) {
    for (const r of entity.relations ?? []) {
      const target = lower(r.targetRef);
      if (r.type === 'ownedBy' && mine.has(target)) found.add(target);
    }
  }
  return [...found].sort();
}

/**
 * The SLOs of every component the team owns: one board request per owner
 * (one for a user in one team), not one per service.
 */
export async function loadSlos(sloApi: SloApi, team: Team): Promise<SloList> {
  const lists = await Promise.all(
    owningRefs(team).map(owner => sloApi.getBoard({ owner })),
  );
  const errors = new Map<string, SloList['errors'][number]>();
  for (const e of lists.flatMap(l => l.errors)) {
    errors.set(`${e.server}\0${e.message}`, e);
  }
  return {
    slos: lists.flatMap(l => l.slos),
    errors: [...errors.values()],
    specProblems: lists.flatMap(l => l.specProblems),
    queries: lists.reduce((n, l) => n + l.queries, 0),
  };
}

export type SloSummary = {
  count: number;
  /** The most urgent SLO: alert state first, then the least budget left. */
  worst?: SloWithEntity;
  /** Spec files of this component that could not be read. */
  problems: string[];
};

const URGENCY: Record<SloWithEntity['alert'], number> = {
  page: 0,
  ticket: 1,
  ok: 2,
};

/** One component's SLOs in a line; undefined when it has none. */
export function summarizeSlos(
  list: SloList,
  ref: string,
): SloSummary | undefined {
  const slos = list.slos.filter(s => s.entityRef && lower(s.entityRef) === ref);
  const problems = list.specProblems
    .filter(p => lower(p.entityRef) === ref)
    .map(p => p.message);
  if (slos.length === 0 && problems.length === 0) return undefined;
  const left = (s: SloWithEntity) =>
    s.errorBudget.remainingRatio ?? Number.POSITIVE_INFINITY;
  const [worst] = [...slos].sort(
    (a, b) => URGENCY[a.alert] - URGENCY[b.alert] || left(a) - left(b),
  );
  return { count: slos.length, worst, problems };
}

/** One dead-letter request's outcome, per component ref. */
export type DeadLetterResults = Map<
  string,
  { value: DeadLetterList } | { error: Error }
>;

/**
 * The dead letters of the components that name theirs (the dead-letter
 * annotation), all requests at once; each fails on its own.
 */
export async function loadDeadLetters(
  dlqApi: DlqApi,
  team: Team,
): Promise<DeadLetterResults> {
  const annotated = team.components.filter(hasDeadLetters);
  const settled = await Promise.allSettled(
    annotated.map(e =>
      // The total and the depth per queue come with any limit.
      dlqApi.getDeadLetters(stringifyEntityRef(e), { limit: 1 }),
    ),
  );
  return new Map(
    annotated.map((e, i) => {
      const s = settled[i];
      return [
        refOf(e),
        s.status === 'fulfilled'
          ? { value: s.value }
          : {
              error:
                s.reason instanceof Error
                  ? s.reason
                  : new Error(String(s.reason)),
            },
      ];
    }),
  );
}

/**
 * Open data-ownership findings on the tables the components own and the
 * topics they produce, per component ref (one catalog request). A
 * component's own findings are on the component, already loaded.
 */
export async function loadResourceFindings(
  catalogApi: CatalogApi,
  team: Team,
): Promise<Map<string, DataFinding[]>> {
  const refs = team.components.map(refOf);
  const result = new Map<string, DataFinding[]>();
  if (refs.length === 0) return result;
  const { items } = await catalogApi.getEntities({
    filter: FINDING_RELATIONS.map(relation => ({
      kind: 'resource',
      [`metadata.annotations.${ANNOTATION_DATA_FINDINGS}`]:
        CATALOG_FILTER_EXISTS,
      // The array last: any of the components.
      [`relations.${relation}`]: refs,
    })),
    fields: [
      'kind',
      'metadata.namespace',
      'metadata.name',
      'metadata.annotations',
      'relations',
    ],
  });
  const mine = new Set(refs);
  for (const resource of items) {
    const findings = readFindings(resource);
    if (findings.length === 0) continue;
    const services = new Set(
      (resource.relations ?? [])
        .filter(r => FINDING_RELATIONS.includes(r.type))
        .map(r => lower(r.targetRef))
        .filter(ref => mine.has(ref)),
    );
    for (const ref of services) {
      result.set(ref, [...(result.get(ref) ?? []), ...findings]);
    }
  }
  return result;
}

/** A component's own findings and those of its tables and topics. */
export function findingsOf(
  entity: Entity,
  resourceFindings: Map<string, DataFinding[]>,
): DataFinding[] {
  return [
    ...readFindings(entity),
    ...(resourceFindings.get(refOf(entity)) ?? []),
  ];
}
