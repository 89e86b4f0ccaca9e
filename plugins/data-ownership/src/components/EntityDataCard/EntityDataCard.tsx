import Button from '@material-ui/core/Button';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogApiRef,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_KAFKA_RETENTION,
  ANNOTATION_POSTGRES_TABLE,
  ANNOTATION_ROW_ESTIMATE,
  ANNOTATION_TOTAL_BYTES,
  LABEL_CARD_DATA,
  LABEL_PERSONAL_DATA,
  readFindings,
  readOwnershipState,
  readTopicSpec,
  RELATION_CONSUMES_TOPIC,
  RELATION_OWNS_TABLE,
  RELATION_PRODUCES_TOPIC,
} from '@internal/plugin-data-ownership-common';
import { Text } from '@backstage/ui';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  DataFlags,
  FindingAlerts,
  formatBytes,
  formatRows,
  numberAnnotation,
  OwnershipStatus,
  RefList,
} from '../format';

/** What the card fetches of each related table and topic. */
export const RELATED_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.labels',
  'metadata.annotations',
  'spec.type',
  'spec.producers',
  'spec.consumers',
  'spec.retention',
];

const tableColumns: TableColumn<Entity>[] = [
  {
    title: 'Table',
    render: t => <EntityRefLink entityRef={t} defaultKind="resource" />,
  },
  {
    title: 'In PostgreSQL',
    render: t => t.metadata.annotations?.[ANNOTATION_POSTGRES_TABLE] ?? '—',
  },
  {
    title: 'Ownership',
    render: t => <OwnershipStatus state={readOwnershipState(t)} />,
  },
  {
    title: 'Data',
    render: t => (
      <DataFlags
        personal={t.metadata.labels?.[LABEL_PERSONAL_DATA] === 'true'}
        card={t.metadata.labels?.[LABEL_CARD_DATA] === 'true'}
      />
    ),
  },
  {
    title: 'Rows',
    render: t =>
      formatRows(
        numberAnnotation(t.metadata.annotations?.[ANNOTATION_ROW_ESTIMATE]),
      ),
  },
  {
    title: 'Size',
    render: t =>
      formatBytes(
        numberAnnotation(t.metadata.annotations?.[ANNOTATION_TOTAL_BYTES]),
      ),
  },
];

type TopicRow = { topic: Entity; role: 'produces' | 'consumes' };

const topicColumns: TableColumn<TopicRow>[] = [
  {
    title: 'Topic',
    render: r => <EntityRefLink entityRef={r.topic} defaultKind="resource" />,
  },
  {
    title: 'Role',
    render: r => (r.role === 'produces' ? 'Produces' : 'Consumes'),
  },
  {
    title: 'Other side',
    render: r => {
      const spec = readTopicSpec(r.topic);
      return r.role === 'produces' ? (
        <>
          consumed by <RefList refs={spec.consumers} />
        </>
      ) : (
        <>
          produced by <RefList refs={spec.producers} />
        </>
      );
    },
  },
  {
    title: 'Retention',
    render: r =>
      r.topic.metadata.annotations?.[ANNOTATION_KAFKA_RETENTION] ??
      readTopicSpec(r.topic).retention ??
      '—',
  },
];

const tableOptions = {
  paging: false,
  // No drag-to-reorder: its handle is a focusable element nested in each
  // header's sort button (axe: nested-interactive).
  draggable: false,
  search: false,
  toolbar: true,
  padding: 'dense' as const,
};

/**
 * The "Data" card of a service: the tables it owns, the topics it produces
 * and consumes, and the data-ownership findings about it (a dependency on
 * another service's table). The relations come from the data-ownership
 * catalog module; the tables and topics themselves are read from the catalog.
 */
function DataCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const relations = (entity.relations ?? []).filter(r =>
    [
      RELATION_OWNS_TABLE,
      RELATION_PRODUCES_TOPIC,
      RELATION_CONSUMES_TOPIC,
    ].includes(r.type),
  );
  const refs = [...new Set(relations.map(r => r.targetRef))];
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    if (refs.length === 0) return new Map<string, Entity>();
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: refs,
      fields: RELATED_FIELDS,
    });
    return new Map(
      items.flatMap(e => (e ? [[stringifyEntityRef(e), e] as const] : [])),
    );
  }, [catalogApi, refs.join(',')]);

  const findings = readFindings(entity);
  if (loading) {
    return (
      <InfoCard title="Data">
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <InfoCard title="Data">
        <ResponseErrorPanel error={error} title={error.message} />
        <Button
          variant="outlined"
          size="small"
          onClick={() => retry()}
          style={{ marginTop: 8 }}
        >
          Try again
        </Button>
      </InfoCard>
    );
  }
  const found = (type: string) =>
    relations
      .filter(r => r.type === type)
      .flatMap(r => value?.get(r.targetRef) ?? [])
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const tables = found(RELATION_OWNS_TABLE);
  const topics: TopicRow[] = [
    ...found(RELATION_PRODUCES_TOPIC).map(topic => ({
      topic,
      role: 'produces' as const,
    })),
    ...found(RELATION_CONSUMES_TOPIC).map(topic => ({
      topic,
      role: 'consumes' as const,
    })),
  ];

  if (tables.length === 0 && topics.length === 0) {
    return (
      <InfoCard title="Data">
        <FindingAlerts findings={findings} />
        <EmptyState
          missing="data"
          title={`${entity.metadata.name} owns no table and uses no topic`}
          description="A service owns a table when its migrations comment it — COMMENT ON TABLE <schema>.<table> IS 'owned-by: <service>' — or when catalog/data/tables.yaml declares it; it produces or consumes a topic that catalog/data/topics.yaml declares. The catalog reads both on its next refresh."
        />
      </InfoCard>
    );
  }
  return (
    <InfoCard title="Data" noPadding>
      <FindingAlerts findings={findings} />
      {tables.length > 0 ? (
        <Table
          title="Tables it owns"
          columns={tableColumns}
          data={tables}
          options={tableOptions}
        />
      ) : (
        <Text as="p" color="secondary">
          Owns no table.
        </Text>
      )}
      {topics.length > 0 ? (
        <Table
          title="Topics it produces and consumes"
          columns={topicColumns}
          data={topics}
          options={tableOptions}
        />
      ) : (
        <Text as="p" color="secondary">
          Produces and consumes no topic.
        </Text>
      )}
    </InfoCard>
  );
}

/** The Data card, with the hook the end-to-end accessibility check scopes to. */
export function EntityDataCard() {
  return (
    <div data-testid="data-card">
      <DataCard />
    </div>
  );
}
