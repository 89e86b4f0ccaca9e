import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_KAFKA_TOPIC,
  ANNOTATION_POSTGRES_TABLE,
  DataFinding,
  DATABASE_TABLE_TYPE,
  KAFKA_TOPIC_TYPE,
  LABEL_CARD_DATA,
  LABEL_PERSONAL_DATA,
  OwnershipState,
  readFindings,
  readOwnershipState,
  readOwningServices,
  readTopicSpec,
} from '@internal/plugin-data-ownership-common';

export type RowKind = 'table' | 'topic' | 'service';

/** One line of the data ownership page. */
export type OwnershipRow = {
  ref: string;
  entity: Entity;
  kind: RowKind;
  /** schema.table, or the topic's name. */
  detail: string;
  owner: string;
  /** Owning services of a table, producers of a topic. */
  services: string[];
  state?: OwnershipState;
  personal: boolean;
  card: boolean;
  findings: DataFinding[];
  /** 0: needs action (conflict, errors), 1: to look at (unowned, warnings), 2: fine. */
  severity: 0 | 1 | 2;
};

const KIND_ORDER: Record<RowKind, number> = { table: 0, topic: 1, service: 2 };

function severityOf(
  state: OwnershipState | undefined,
  findings: DataFinding[],
) {
  if (state === 'conflict' || findings.some(f => f.level === 'error')) return 0;
  if (state === 'unowned' || findings.length > 0) return 1;
  return 2;
}

/** Rows for tables, topics and the services with findings. */
export function toRows(entities: Entity[]): OwnershipRow[] {
  return entities
    .map((entity): OwnershipRow => {
      const type = entity.spec?.type;
      const findings = readFindings(entity);
      let kind: RowKind = 'service';
      let detail = '';
      let services: string[] = [];
      let state: OwnershipState | undefined;
      if (type === DATABASE_TABLE_TYPE && entity.kind === 'Resource') {
        kind = 'table';
        detail = entity.metadata.annotations?.[ANNOTATION_POSTGRES_TABLE] ?? '';
        services = readOwningServices(entity);
        state = readOwnershipState(entity);
      } else if (type === KAFKA_TOPIC_TYPE && entity.kind === 'Resource') {
        kind = 'topic';
        detail =
          entity.metadata.annotations?.[ANNOTATION_KAFKA_TOPIC] ??
          entity.metadata.name;
        services = readTopicSpec(entity).producers;
      }
      return {
        ref: stringifyEntityRef(entity),
        entity,
        kind,
        detail,
        owner: typeof entity.spec?.owner === 'string' ? entity.spec.owner : '',
        services,
        state,
        personal: entity.metadata.labels?.[LABEL_PERSONAL_DATA] === 'true',
        card: entity.metadata.labels?.[LABEL_CARD_DATA] === 'true',
        findings,
        severity: severityOf(state, findings),
      };
    })
    .sort(
      (a, b) =>
        a.severity - b.severity ||
        KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
        a.entity.metadata.name.localeCompare(b.entity.metadata.name),
    );
}

export type Filters = {
  show: 'all' | 'attention' | 'unowned' | 'conflict';
  kind: 'all' | RowKind;
  data: 'any' | 'personal' | 'card';
  text: string;
};

export const NO_FILTER: Filters = {
  show: 'all',
  kind: 'all',
  data: 'any',
  text: '',
};

export function applyFilters(rows: OwnershipRow[], f: Filters): OwnershipRow[] {
  const needle = f.text.trim().toLocaleLowerCase('en-US');
  return rows.filter(r => {
    if (f.show === 'attention' && r.severity === 2) return false;
    if (f.show === 'unowned' && r.state !== 'unowned') return false;
    if (f.show === 'conflict' && r.state !== 'conflict') return false;
    if (f.kind !== 'all' && r.kind !== f.kind) return false;
    if (f.data === 'personal' && !r.personal) return false;
    if (f.data === 'card' && !r.card) return false;
    if (!needle) return true;
    return [
      r.entity.metadata.name,
      r.detail,
      r.owner,
      ...r.services,
      ...r.findings.map(x => x.message),
    ]
      .join(' ')
      .toLocaleLowerCase('en-US')
      .includes(needle);
  });
}

export type Summary = {
  tables: number;
  unowned: number;
  conflicting: number;
  personal: number;
  card: number;
  topics: number;
  multipleProducers: number;
  servicesWithFindings: number;
};

export function summarize(rows: OwnershipRow[]): Summary {
  const tables = rows.filter(r => r.kind === 'table');
  const topics = rows.filter(r => r.kind === 'topic');
  return {
    tables: tables.length,
    unowned: tables.filter(r => r.state === 'unowned').length,
    conflicting: tables.filter(r => r.state === 'conflict').length,
    personal: tables.filter(r => r.personal).length,
    card: tables.filter(r => r.card).length,
    topics: topics.length,
    multipleProducers: topics.filter(r => r.services.length > 1).length,
    servicesWithFindings: rows.filter(r => r.kind === 'service').length,
  };
}
