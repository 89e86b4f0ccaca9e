import {
  Content,
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Select,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { SloWithEntity, sloApiRef } from '../../api/SloClient';
import { AlertChip, hours, minutes, percent } from '../format';

const OWNERS = [
  { label: 'All teams', value: 'all' },
  { label: 'Product team', value: 'group:default/product-team' },
  { label: 'Platform team', value: 'group:default/platform-team' },
];

function entityLink(ref: string | undefined, text: string) {
  if (!ref) return text;
  const { kind, namespace, name } = parseEntityRef(ref);
  return (
    <Link
      to={`/catalog/${namespace}/${kind.toLocaleLowerCase(
        'en-US',
      )}/${name}/slo`}
    >
      {text}
    </Link>
  );
}

const columns: TableColumn<SloWithEntity>[] = [
  { title: 'Alert', render: s => <AlertChip state={s.alert} />, width: '90px' },
  {
    title: 'Service',
    field: 'service',
    render: s => entityLink(s.entityRef, s.service),
  },
  { title: 'SLO', field: 'slo' },
  { title: 'Objective', render: s => percent(s.objective) },
  {
    title: 'Budget left',
    render: s =>
      `${percent(s.errorBudget.remainingRatio, 1)} (${minutes(
        s.errorBudget.remainingMinutes,
      )})`,
  },
  {
    title: 'Burn 1h',
    render: s =>
      s.burnRates['1h'] === undefined
        ? '—'
        : `${s.burnRates['1h'].toFixed(1)}×`,
  },
  {
    title: 'Burn 6h',
    render: s =>
      s.burnRates['6h'] === undefined
        ? '—'
        : `${s.burnRates['6h'].toFixed(1)}×`,
  },
  { title: 'Exhausted in', render: s => hours(s.hoursToExhaustion) },
];

/** Every SLO of the platform, most urgent first, for on-call. */
export function SloBoardPage() {
  const api = useApi(sloApiRef);
  const [owner, setOwner] = useState('all');
  const { value, loading, error } = useAsync(
    () => api.getBoard({ owner: owner === 'all' ? undefined : owner }),
    [api, owner],
  );
  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12} md={4}>
          <Select
            label="Owner"
            items={OWNERS}
            selected={owner}
            onChange={v => setOwner(String(v))}
          />
        </Grid>
        <Grid item xs={12}>
          {loading && <Progress />}
          {error && <ResponseErrorPanel error={error} />}
          {value?.errors.map(e => (
            <Alert key={e.server} severity="warning">
              {e.server}: {e.message}
            </Alert>
          ))}
          {value && value.slos.length === 0 && (
            <EmptyState
              missing="data"
              title="No SLO found"
              description="None of these services has Sloth recording rules in Prometheus yet."
            />
          )}
          {value && value.slos.length > 0 && (
            <Table
              title={`SLOs by urgency (${value.slos.length})`}
              columns={columns}
              data={value.slos}
              options={{ paging: false, padding: 'dense' }}
            />
          )}
        </Grid>
      </Grid>
    </Content>
  );
}
