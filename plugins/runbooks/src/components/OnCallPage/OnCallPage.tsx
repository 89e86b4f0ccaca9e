import {
  Content,
  EmptyState,
  InfoCard,
  Link,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ServicesQueuesCard } from '@internal/plugin-dlq';
import {
  FiringAlert,
  OnCallPerson,
  OnCallRotation,
} from '@internal/plugin-runbooks-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { runbooksApiRef } from '../../api/RunbooksClient';
import { SeverityChip } from '../SeverityChip';

function entityPath(ref: string): string {
  const { kind, namespace, name } = parseEntityRef(ref);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}`;
}

function Person({ duty, person }: { duty: string; person?: OnCallPerson }) {
  return (
    <div>
      <Typography variant="overline">{duty}</Typography>
      {person ? (
        <Typography variant="body1">
          {/* Underlined: a link beside text is told apart by more than colour. */}
          <Link to={entityPath(person.userRef)} underline="always">
            {person.displayName}
          </Link>
          {person.email && (
            <Typography variant="body2" color="textSecondary" component="span">
              {' '}
              · {person.email}
            </Typography>
          )}
        </Typography>
      ) : (
        <Typography variant="body2" color="textSecondary">
          nobody named in the on-call group
        </Typography>
      )}
    </div>
  );
}

function RotationCard() {
  const api = useApi(runbooksApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getOnCallRotation(),
    [api],
  );
  return (
    <InfoCard title="Who is on call">
      {loading && <Progress />}
      {error && <LoadError error={error} retry={retry} />}
      {value && <Rotation rotation={value} />}
    </InfoCard>
  );
}

function Rotation({ rotation }: { rotation: OnCallRotation }) {
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={4}>
        <Person duty="Primary" person={rotation.primary} />
      </Grid>
      <Grid item xs={12} md={4}>
        <Person duty="Secondary" person={rotation.secondary} />
      </Grid>
      <Grid item xs={12} md={4}>
        <Person duty="Incident commander" person={rotation.incidentCommander} />
      </Grid>
      {rotation.schedule && (
        <Grid item xs={12}>
          <Typography variant="body2" color="textSecondary">
            {rotation.schedule}
          </Typography>
        </Grid>
      )}
      <Grid item xs={12}>
        <Typography variant="body2">
          Rotation: {rotation.members.map(m => m.displayName).join(', ')} (
          <Link to={entityPath(rotation.groupRef)} underline="always">
            group
          </Link>
          )
        </Typography>
      </Grid>
    </Grid>
  );
}

const alertColumns: TableColumn<FiringAlert>[] = [
  {
    title: 'Alert',
    field: 'name',
    render: a => (
      <>
        <Typography variant="body2">
          <b>{a.name}</b>
        </Typography>
        {a.summary && (
          <Typography variant="body2" color="textSecondary">
            {a.summary}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Severity',
    field: 'severity',
    render: a => <SeverityChip severity={a.severity} />,
  },
  {
    title: 'Service',
    field: 'service',
    render: a =>
      a.entityRef ? (
        <Link to={entityPath(a.entityRef)}>{a.service}</Link>
      ) : (
        a.service ?? '—'
      ),
  },
  {
    title: 'SLO',
    field: 'slo',
    render: a =>
      a.slo ? (
        <>
          <SeverityChip severity={a.slo.alert} />{' '}
          <Typography variant="body2" component="span">
            {a.slo.budgetRemainingRatio === undefined
              ? ''
              : `${(a.slo.budgetRemainingRatio * 100).toFixed(1)}% budget left`}
          </Typography>
        </>
      ) : (
        '—'
      ),
  },
  {
    title: 'Firing since',
    field: 'activeAt',
    render: a => (a.activeAt ? new Date(a.activeAt).toLocaleString() : '—'),
  },
  {
    title: 'Runbook',
    field: 'runbook',
    render: a =>
      a.runbook ? (
        <>
          <Link to={a.runbook.docsPath}>{a.runbook.title}</Link>{' '}
          {a.runbook.stale && <Chip size="small" label="stale" />}
        </>
      ) : (
        <Typography variant="body2" color="error">
          no runbook {a.runbookUrl ? `at ${a.runbookUrl}` : 'for this alert'}
        </Typography>
      ),
  },
];

function FiringAlertsCard() {
  const api = useApi(runbooksApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getFiringAlerts(),
    [api],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <InfoCard title="Firing alerts">
        <LoadError error={error} retry={retry} />
      </InfoCard>
    );
  }
  // Whose runbooks could not be read: their alerts may lack a runbook.
  const unavailable = (value?.unavailable ?? []).map(u => (
    <Alert key={u.entityRef} severity="warning">
      Runbooks of {u.entityRef} are not shown: {u.message}
    </Alert>
  ));
  if (!value || value.alerts.length === 0) {
    return (
      <InfoCard title="Firing alerts">
        {unavailable}
        <EmptyState
          missing="data"
          title="No alert is firing"
          description="Prometheus reports no firing alert right now."
        />
      </InfoCard>
    );
  }
  const services = value.alerts
    .map(a => a.entityRef)
    .filter((ref): ref is string => !!ref);
  return (
    <>
      {unavailable}
      <Table
        title={`Firing alerts (${value.alerts.length})`}
        columns={alertColumns}
        data={value.alerts}
        options={{
          paging: false,
          padding: 'dense',
          // No drag-to-reorder: its handle is a focusable element nested in
          // each header's sort button (axe: nested-interactive).
          draggable: false,
        }}
      />
      {services.length > 0 && (
        <Box mt={3}>
          <ServicesQueuesCard entityRefs={services} />
        </Box>
      )}
    </>
  );
}

/**
 * The on-call page: who is on call, what is firing with its runbook, and
 * the dead letters and queue backlog of the services alerts fire for.
 */
export function OnCallPage() {
  return (
    <Content data-testid="on-call-page">
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <RotationCard />
        </Grid>
        <Grid item xs={12}>
          <FiringAlertsCard />
        </Grid>
      </Grid>
    </Content>
  );
}
