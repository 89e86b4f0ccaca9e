import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ServiceDrift } from '@internal/plugin-template-upgrades-common';
import { ReactNode } from 'react';
import { StatusLabel } from '../StatusLabel';

/** The first note of the newest release a service would get, if any. */
export const newestNote = (s: ServiceDrift) =>
  s.releases.length ? s.releases[s.releases.length - 1].notes[0] : undefined;

// No sorting: the services stay in the backend's order, most behind first.
const columns: TableColumn<ServiceDrift>[] = [
  {
    title: 'Service',
    sorting: false,
    render: s => (
      <EntityRefLink
        entityRef={s.entityRef}
        defaultKind="component"
        title={s.title}
      />
    ),
  },
  {
    title: 'Owner',
    sorting: false,
    render: s =>
      s.owner ? <EntityRefLink entityRef={s.owner} defaultKind="group" /> : '—',
  },
  {
    title: 'Template',
    sorting: false,
    render: s => (
      <EntityRefLink entityRef={s.template} defaultKind="template" />
    ),
  },
  { title: 'Release', sorting: false, render: s => s.version || '—' },
  {
    title: 'Status',
    sorting: false,
    render: s => <StatusLabel status={s.status} />,
  },
  {
    title: 'Behind',
    sorting: false,
    render: s =>
      s.status === 'behind' || s.status === 'current' ? s.behind : '—',
  },
  {
    title: 'Newest release brings',
    sorting: false,
    render: s => newestNote(s) ?? '—',
  },
];

/** Generated services with their template, release and what they miss. */
export function DriftTable(props: {
  title: string;
  services: ServiceDrift[];
  emptyContent: ReactNode;
}) {
  const { title, services, emptyContent } = props;
  return (
    <Table
      title={title}
      columns={columns}
      data={services}
      emptyContent={emptyContent}
      options={{
        // No drag-to-reorder: its handle is a focusable element nested in
        // each header's sort button (axe: nested-interactive).
        draggable: false,
        sorting: false,
        paging: services.length > 50,
        pageSize: 50,
        search: false,
        padding: 'dense',
      }}
    />
  );
}
