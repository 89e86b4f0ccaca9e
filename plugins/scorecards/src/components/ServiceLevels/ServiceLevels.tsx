import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  EntityScorecard,
  LevelOrNone,
} from '@internal/plugin-scorecards-common';
import Typography from '@material-ui/core/Typography';
import { checkTitle } from '../format';
import { LevelChip } from '../LevelChip';

const RANK: Record<LevelOrNone, number> = {
  none: 0,
  bronze: 1,
  silver: 2,
  gold: 3,
};

const titlesOf = (s: EntityScorecard, outcome: 'fail' | 'unknown') =>
  s.checks.filter(c => c.outcome === outcome).map(c => checkTitle(c.id));

const columns: TableColumn<EntityScorecard>[] = [
  {
    title: 'Service',
    customSort: (a, b) => a.entityRef.localeCompare(b.entityRef),
    render: s => (
      <EntityRefLink entityRef={s.entityRef} defaultKind="component" />
    ),
  },
  {
    title: 'Owner',
    customSort: (a, b) => (a.owner ?? '').localeCompare(b.owner ?? ''),
    render: s =>
      s.owner ? <EntityRefLink entityRef={s.owner} defaultKind="group" /> : '—',
  },
  {
    title: 'Level',
    customSort: (a, b) => RANK[a.level] - RANK[b.level],
    render: s => <LevelChip level={s.level} />,
  },
  {
    title: 'Failing checks',
    sorting: false,
    render: s => {
      const failing = titlesOf(s, 'fail');
      const unknown = titlesOf(s, 'unknown');
      if (!failing.length && !unknown.length) return 'None: every check passes';
      return (
        <>
          {failing.length > 0 && (
            <Typography variant="body2">{failing.join(', ')}</Typography>
          )}
          {unknown.length > 0 && (
            <Typography variant="body2">
              Unknown: {unknown.join(', ')}
            </Typography>
          )}
        </>
      );
    },
  },
];

/** Every service of the latest collection with its level and what fails. */
export function ServiceLevels(props: { services: EntityScorecard[] }) {
  const { services } = props;
  return (
    <Table
      title={`Every service (${services.length})`}
      columns={columns}
      data={services}
      options={{
        // No drag-to-reorder: its handle is a focusable element nested in
        // each header's sort button (axe: nested-interactive).
        draggable: false,
        paging: services.length > 50,
        pageSize: 50,
        search: false,
        padding: 'dense',
      }}
    />
  );
}
