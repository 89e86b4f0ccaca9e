import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { BURN_WINDOWS } from '@internal/plugin-slo-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { SloWithEntity, sloApiRef } from '../../api/SloClient';
import { AlertChip, hours, minutes, percent } from '../format';

const summaryColumns: TableColumn<SloWithEntity>[] = [
  { title: 'SLO', field: 'slo' },
  { title: 'Objective', render: s => percent(s.objective, 2) },
  { title: 'SLI', render: s => percent(s.sli, 3) },
  {
    title: 'Budget left',
    render: s => (
      <>
        {percent(s.errorBudget.remainingRatio, 1)}
        <Typography variant="body2" color="textSecondary">
          {minutes(s.errorBudget.remainingMinutes)} of{' '}
          {minutes(s.errorBudget.totalMinutes)}
        </Typography>
      </>
    ),
  },
  { title: 'Alert', render: s => <AlertChip state={s.alert} /> },
  { title: 'Exhausted in', render: s => hours(s.hoursToExhaustion) },
];

const burnColumns: TableColumn<SloWithEntity>[] = [
  { title: 'SLO', field: 'slo' },
  ...BURN_WINDOWS.map(w => ({
    title: `Burn ${w}`,
    render: (s: SloWithEntity) =>
      s.burnRates[w] === undefined ? '—' : `${s.burnRates[w]!.toFixed(2)}×`,
  })),
];

/**
 * The SLOs of the service in view: a summary card on its overview, and on
 * its SLO tab the burn rates per window too.
 */
export function EntitySloCard(props: { variant?: 'card' | 'page' }) {
  const { entity } = useEntity();
  const api = useApi(sloApiRef);
  const { value, loading, error } = useAsync(
    () => api.getEntitySlos(getCompoundEntityRef(entity)),
    [api, entity],
  );
  if (loading) {
    return (
      <InfoCard title="SLOs">
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <InfoCard title="SLOs">
        <ResponseErrorPanel error={error} />
      </InfoCard>
    );
  }
  if (!value || value.slos.length === 0) {
    return (
      <InfoCard title="SLOs">
        <EmptyState
          missing="data"
          title="This service has no SLO yet"
          description="Add a Sloth spec (k8s/base/slo.yaml, PrometheusServiceLevel) with the service's objectives — 99.9% availability and p99 under 200 ms on the golden path — and deploy it: Sloth's recording rules in Prometheus are what this card reads."
        />
      </InfoCard>
    );
  }
  return (
    <InfoCard title="SLOs" noPadding>
      {value.errors.map(e => (
        <Alert key={e.server} severity="warning">
          {e.server}: {e.message}
        </Alert>
      ))}
      <Table
        columns={summaryColumns}
        data={value.slos}
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
      />
      {props.variant === 'page' && (
        <Table
          title="Error budget burn rate per window (1× spends exactly the budget)"
          columns={burnColumns}
          data={value.slos}
          options={{ paging: false, search: false, padding: 'dense' }}
        />
      )}
    </InfoCard>
  );
}
