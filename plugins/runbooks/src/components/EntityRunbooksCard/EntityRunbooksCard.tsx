import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Runbook } from '@internal/plugin-runbooks-common';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { runbooksApiRef } from '../../api/RunbooksClient';
import { SeverityChip } from '../SeverityChip';

const columns: TableColumn<Runbook>[] = [
  {
    title: 'Runbook',
    field: 'title',
    render: r => (
      <>
        <Link to={r.docsPath}>{r.title}</Link>
        {r.description && (
          <Typography variant="body2" color="textSecondary">
            {r.description}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Severity',
    field: 'severity',
    render: r => <SeverityChip severity={r.severity} />,
  },
  {
    title: 'Alerts',
    field: 'alerts',
    render: r => r.alerts.join(', ') || '—',
  },
  {
    title: 'Last reviewed',
    field: 'lastReviewed',
    render: r => (
      <>
        {r.lastReviewed}{' '}
        {r.stale && (
          <Chip
            size="small"
            label={`stale: ${r.daysSinceReview} days`}
            title="Not reviewed for more than 90 days"
          />
        )}
      </>
    ),
  },
];

/** The runbooks of the entity in view: on its overview (card) and tab. */
export function EntityRunbooksCard(props: { variant?: 'card' | 'page' }) {
  const { entity } = useEntity();
  const api = useApi(runbooksApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntityRunbooks(getCompoundEntityRef(entity)),
    [api, entity],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <LoadError error={error} retry={retry} />;
  } else if (
    !value ||
    (value.runbooks.length === 0 && value.problems.length === 0)
  ) {
    content = (
      <EmptyState
        missing="content"
        title="No runbooks yet"
        description="Add Markdown files under docs/runbooks/ in this service's TechDocs, each starting with front matter: title, alerts, severity, owner and last_reviewed."
      />
    );
  } else {
    content = (
      <>
        {value.problems.map(p => (
          <Alert key={p.file} severity="warning">
            {p.file}: {p.message}
          </Alert>
        ))}
        <Table
          columns={columns}
          data={value.runbooks}
          options={{
            // No drag-to-reorder: its handle is a focusable element nested in
            // each header's sort button (axe: nested-interactive).
            draggable: false,
            paging: false,
            search: props.variant === 'page',
            toolbar: props.variant === 'page',
            padding: 'dense',
          }}
        />
      </>
    );
  }
  return (
    <div
      data-testid={props.variant === 'page' ? 'runbooks-tab' : 'runbooks-card'}
    >
      <InfoCard title="Runbooks" noPadding={!loading && !error}>
        {content}
      </InfoCard>
    </div>
  );
}
