import {
  EmptyState,
  InfoCard,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_CARD_SAMPLING,
  ANNOTATION_DATA_SOURCE,
  ANNOTATION_OWNERSHIP_SOURCE,
  ANNOTATION_POSTGRES_DATABASE,
  ANNOTATION_POSTGRES_TABLE,
  ANNOTATION_ROW_ESTIMATE,
  ANNOTATION_TOTAL_BYTES,
  readFindings,
  readOwnershipState,
  readOwningServices,
  readTableColumns,
  TableColumn as DataColumn,
} from '@internal/plugin-data-ownership-common';
import { Flex, Text } from '@backstage/ui';
import {
  DataFlags,
  FindingAlerts,
  formatBytes,
  formatRows,
  numberAnnotation,
  OwnershipStatus,
  RefList,
} from '../format';

const columns: TableColumn<DataColumn>[] = [
  { title: 'Column', field: 'name' },
  { title: 'Type', field: 'type' },
  { title: 'Nullable', render: c => (c.nullable ? 'yes' : 'no') },
  {
    title: 'Data',
    render: c => (
      <>
        <DataFlags
          personal={c.flags.includes('personal-data')}
          card={c.flags.includes('card-data')}
        />
        {c.reasons && c.reasons.length > 0 && (
          <Text as="div" variant="body-x-small" color="secondary">
            {c.reasons.join('; ')}
          </Text>
        )}
      </>
    ),
  },
];

/** Where the owner claims came from, e.g. "comment: svc-ledger". */
function claimSources(raw?: string): string {
  if (!raw) return 'none';
  return raw
    .split(',')
    .map(claim => {
      const [source, ...ref] = claim.split(':');
      return `${source}: ${ref.join(':').replace(/^component:default\//, '')}`;
    })
    .join(', ');
}

/**
 * The columns of a table, with the personal-data and card-data flags, and
 * who owns the table and how the catalog knows it.
 */
export function EntityColumnsCard() {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const tableColumns = readTableColumns(entity);
  const live = annotations[ANNOTATION_DATA_SOURCE] === 'live';
  const flagged = tableColumns.filter(c => c.flags.length > 0).length;

  const summary = (
    <Flex direction="column" gap="1" mb="3">
      <Text as="div">
        <strong>
          {annotations[ANNOTATION_POSTGRES_TABLE] ?? entity.metadata.name}
        </strong>{' '}
        —{' '}
        {live
          ? `read live from ${annotations[ANNOTATION_POSTGRES_DATABASE]}`
          : 'declared in the table specs'}
        {live &&
          `, ${formatRows(
            numberAnnotation(annotations[ANNOTATION_ROW_ESTIMATE]),
          )} rows, ${formatBytes(
            numberAnnotation(annotations[ANNOTATION_TOTAL_BYTES]),
          )}`}
      </Text>
      <Flex gap="2" align="center">
        <OwnershipStatus state={readOwnershipState(entity)} />
        <Text as="span">
          Owning service: <RefList refs={readOwningServices(entity)} /> (claims:{' '}
          {claimSources(annotations[ANNOTATION_OWNERSHIP_SOURCE])})
        </Text>
      </Flex>
      {live && (
        <Text as="div" variant="body-small" color="secondary">
          {flagged} of {tableColumns.length} columns flagged. Card numbers
          looked for in sampled values:{' '}
          {annotations[ANNOTATION_CARD_SAMPLING] ?? 'unknown'}.
        </Text>
      )}
    </Flex>
  );

  return (
    <div data-testid="columns-card">
      <InfoCard title="Columns">
        <FindingAlerts findings={readFindings(entity)} />
        {summary}
        {tableColumns.length === 0 ? (
          <EmptyState
            missing="data"
            title="No columns known"
            description="Columns are read from the live database. This table comes from the declared table specs (catalog/data/tables.yaml) because no live database covering it is configured under dataOwnership.databases."
          />
        ) : (
          <Table
            columns={columns}
            data={tableColumns}
            options={{
              // No drag-to-reorder: its handle is a focusable element nested in
              // each header's sort button (axe: nested-interactive).
              draggable: false,
              paging: tableColumns.length > 50,
              pageSize: 50,
              search: tableColumns.length > 10,
              toolbar: tableColumns.length > 10,
              padding: 'dense',
            }}
          />
        )}
      </InfoCard>
    </div>
  );
}
