import Button from '@material-ui/core/Button';
import {
  Content,
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  CATALOG_FILTER_EXISTS,
  catalogApiRef,
  EntityRefLink,
} from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_DATA_FINDINGS,
  DATABASE_TABLE_TYPE,
  KAFKA_TOPIC_TYPE,
} from '@internal/plugin-data-ownership-common';
import { Flex, SearchField, Select, Text } from '@backstage/ui';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { DataFlags, FindingLine, OwnershipStatus, RefList } from '../format';
import {
  applyFilters,
  Filters,
  NO_FILTER,
  OwnershipRow,
  summarize,
  toRows,
} from './rows';

/** What the page reads of each entity: no columns, which can be many. */
const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.labels',
  'metadata.annotations',
  'spec.type',
  'spec.owner',
  'spec.producers',
];

const KIND_LABEL = { table: 'Table', topic: 'Topic', service: 'Service' };

const columns: TableColumn<OwnershipRow>[] = [
  {
    title: 'Entity',
    render: r => (
      <>
        <EntityRefLink
          entityRef={r.entity}
          defaultKind={r.kind === 'service' ? 'component' : 'resource'}
        />
        <Text as="div" variant="body-x-small" color="secondary">
          {KIND_LABEL[r.kind]}
          {r.detail && r.detail !== r.entity.metadata.name
            ? ` · ${r.detail}`
            : ''}
        </Text>
      </>
    ),
  },
  {
    title: 'Ownership',
    render: r =>
      r.kind === 'table' ? (
        <OwnershipStatus state={r.state} />
      ) : (
        <Text as="span">{r.findings.length ? 'See findings' : '—'}</Text>
      ),
  },
  {
    title: 'Owning service or producer',
    render: r => <RefList refs={r.services} />,
  },
  {
    title: 'Owner',
    render: r =>
      r.owner ? <EntityRefLink entityRef={r.owner} defaultKind="group" /> : '—',
  },
  {
    title: 'Data',
    render: r => <DataFlags personal={r.personal} card={r.card} />,
  },
  {
    title: 'Findings',
    render: r =>
      r.findings.length === 0 ? (
        '—'
      ) : (
        <Flex direction="column" gap="1">
          {r.findings.map(f => (
            <Text key={`${f.rule}:${f.message}`} as="div" variant="body-small">
              <FindingLine finding={f} />
            </Text>
          ))}
        </Flex>
      ),
  },
];

const SHOW = [
  { id: 'all', label: 'Everything' },
  { id: 'attention', label: 'Needs attention' },
  { id: 'unowned', label: 'Unowned tables' },
  { id: 'conflict', label: 'Conflicting owners' },
];
const KINDS = [
  { id: 'all', label: 'Tables, topics and services' },
  { id: 'table', label: 'Tables' },
  { id: 'topic', label: 'Topics' },
  { id: 'service', label: 'Services with findings' },
];
const DATA = [
  { id: 'any', label: 'Any data' },
  { id: 'personal', label: 'Personal data (GDPR)' },
  { id: 'card', label: 'Card data (PCI-DSS)' },
];

/**
 * The data ownership page for compliance reviewers: every table and topic
 * of the catalog with its owner and flags, and the services the rules
 * report, the ones that need attention first.
 */
export function DataOwnershipPage() {
  const catalogApi = useApi(catalogApiRef);
  const [filters, setFilters] = useState<Filters>(NO_FILTER);
  const set = (patch: Partial<Filters>) =>
    setFilters(f => ({ ...f, ...patch }));

  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const [resources, services] = await Promise.all([
      catalogApi.getEntities({
        filter: {
          kind: 'Resource',
          'spec.type': [DATABASE_TABLE_TYPE, KAFKA_TOPIC_TYPE],
        },
        fields: FIELDS,
      }),
      catalogApi.getEntities({
        filter: {
          kind: 'Component',
          [`metadata.annotations.${ANNOTATION_DATA_FINDINGS}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: FIELDS,
      }),
    ]);
    return toRows([...resources.items, ...services.items]);
  }, [catalogApi]);

  const shown = useMemo(
    () => applyFilters(value ?? [], filters),
    [value, filters],
  );

  if (loading) return <Progress />;
  if (error) {
    return (
      <Content data-testid="data-ownership-page">
        <ResponseErrorPanel error={error} title={error.message} />
        <Button
          variant="outlined"
          size="small"
          onClick={() => retry()}
          style={{ marginTop: 8 }}
        >
          Try again
        </Button>
      </Content>
    );
  }
  const rows = value ?? [];
  if (rows.length === 0) {
    return (
      <Content data-testid="data-ownership-page">
        <EmptyState
          missing="data"
          title="No table or topic in the catalog"
          description="Tables and topics come from the data-ownership catalog module: the databases under dataOwnership.databases, read live, and the specs in catalog/data/. If they are configured, the module may not have run yet, or its database may be unreachable: the backend log says which."
        />
      </Content>
    );
  }
  const s = summarize(rows);
  return (
    <Content data-testid="data-ownership-page">
      <Flex direction="column" gap="3">
        <Text as="p">
          {s.tables} tables: {s.unowned} unowned, {s.conflicting} with
          conflicting owners, {s.personal} holding personal data, {s.card}{' '}
          holding card data. {s.topics} topics, {s.multipleProducers} with more
          than one producer. {s.servicesWithFindings} services with findings.
        </Text>
        <Flex gap="3" align="end">
          <Select
            label="Show"
            options={SHOW}
            selectedKey={filters.show}
            onSelectionChange={k => set({ show: String(k) as Filters['show'] })}
          />
          <Select
            label="Type"
            options={KINDS}
            selectedKey={filters.kind}
            onSelectionChange={k => set({ kind: String(k) as Filters['kind'] })}
          />
          <Select
            label="Data"
            options={DATA}
            selectedKey={filters.data}
            onSelectionChange={k => set({ data: String(k) as Filters['data'] })}
          />
          <SearchField
            label="Search"
            aria-label="Search tables, topics, owners and findings"
            value={filters.text}
            onChange={text => set({ text })}
          />
        </Flex>
        <Table
          title={`${shown.length} of ${rows.length}`}
          columns={columns}
          data={shown}
          options={{
            // No drag-to-reorder: its handle is a focusable element nested in
            // each header's sort button (axe: nested-interactive).
            draggable: false,
            paging: shown.length > 50,
            pageSize: 50,
            search: false,
            padding: 'dense',
          }}
          emptyContent={
            <Text as="p" color="secondary">
              Nothing matches these filters.
            </Text>
          }
        />
      </Flex>
    </Content>
  );
}
