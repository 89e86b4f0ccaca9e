import {
  Content,
  EmptyState,
  Link,
  Progress,
  Select,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { SloAlertState } from '@internal/plugin-slo-common';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { SloWithEntity, sloApiRef } from '../../api/SloClient';
import {
  AlertChip,
  AlertCountChip,
  burn,
  hours,
  minutes,
  percent,
} from '../format';
import { SloProblems } from '../SloProblems';

const ALL = 'all';

const useStyles = makeStyles(theme => ({
  // The search box's label sits on the page's background, where the
  // secondary text colour is under 4.5:1; the primary one is not.
  searchLabel: { '&&': { color: theme.palette.text.primary } },
}));

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
  {
    title: 'SLO',
    field: 'slo',
    render: s => (
      <>
        {s.slo}
        {s.description && (
          <Typography variant="body2" color="textSecondary">
            {s.description}
          </Typography>
        )}
      </>
    ),
  },
  { title: 'Objective', render: s => percent(s.objective) },
  {
    title: 'Budget left',
    render: s =>
      `${percent(s.errorBudget.remainingRatio, 1)} (${minutes(
        s.errorBudget.remainingMinutes,
      )})`,
  },
  { title: 'Burn 1h', render: s => burn(s.burnRates['1h'], 1) },
  { title: 'Burn 6h', render: s => burn(s.burnRates['6h'], 1) },
  { title: 'Exhausted in', render: s => hours(s.hoursToExhaustion) },
];

const ALERTS: { label: string; value: SloAlertState | typeof ALL }[] = [
  { label: 'Any state', value: ALL },
  { label: 'Paging', value: 'page' },
  { label: 'Ticket', value: 'ticket' },
  { label: 'OK', value: 'ok' },
];

/** What the text filter looks at. */
const haystack = (s: SloWithEntity) =>
  [s.service, s.slo, s.entityRef, s.description]
    .filter(Boolean)
    .join(' ')
    .toLocaleLowerCase('en-US');

/**
 * Every SLO of the platform, a system or a team, most urgent first, for
 * on-call: filter by owner and system (asked of the backend), by alert
 * state and by text (on the page, keeping the urgency order).
 */
export function SloBoardPage() {
  const classes = useStyles();
  const api = useApi(sloApiRef);
  const catalogApi = useApi(catalogApiRef);
  const [owner, setOwner] = useState(ALL);
  const [system, setSystem] = useState(ALL);
  const [alert, setAlert] = useState<string>(ALL);
  const [text, setText] = useState('');

  // The choices of the owner and system filters, from the catalog; without
  // them the board still works, unfiltered.
  const choices = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: ['group', 'system'] },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    const of = (kind: string) =>
      items
        .filter(e => e.kind.toLocaleLowerCase('en-US') === kind)
        .map(e => ({
          label: e.metadata.title ?? e.metadata.name,
          value: stringifyEntityRef(e),
        }))
        .sort((a, b) => a.label.localeCompare(b.label));
    return { groups: of('group'), systems: of('system') };
  }, [catalogApi]);

  const board = useAsyncRetry(
    () =>
      api.getBoard({
        owner: owner === ALL ? undefined : owner,
        system: system === ALL ? undefined : system,
      }),
    [api, owner, system],
  );

  const shown = useMemo(() => {
    const needle = text.trim().toLocaleLowerCase('en-US');
    return (board.value?.slos ?? []).filter(
      s =>
        (alert === ALL || s.alert === alert) &&
        (!needle || haystack(s).includes(needle)),
    );
  }, [board.value, alert, text]);

  const counts = (board.value?.slos ?? []).reduce(
    (c, s) => ({ ...c, [s.alert]: c[s.alert] + 1 }),
    { page: 0, ticket: 0, ok: 0 } as Record<SloAlertState, number>,
  );

  let results;
  if (board.loading) results = <Progress />;
  else if (board.error) {
    results = <LoadError error={board.error} retry={board.retry} />;
  } else if (!board.value || board.value.slos.length === 0) {
    results = (
      <>
        <SloProblems
          specProblems={board.value?.specProblems}
          errors={board.value?.errors}
          showEntity
        />
        <EmptyState
          missing="data"
          title="No SLO found"
          description="None of these services has an SLO yet: point a service to a Sloth or OpenSLO spec with the local-plus.io/slo-spec annotation, or deploy Sloth's recording rules to Prometheus. The SLO tab of any service shows how."
        />
      </>
    );
  } else {
    results = (
      <>
        <SloProblems
          specProblems={board.value.specProblems}
          errors={board.value.errors}
          showEntity
        />
        {shown.length === 0 ? (
          <EmptyState
            missing="data"
            title="No SLO matches these filters"
            description="Clear the search or choose another alert state."
          />
        ) : (
          <Table
            title={`SLOs by urgency (${shown.length} of ${board.value.slos.length})`}
            columns={columns}
            data={shown}
            options={{
              paging: false,
              search: false,
              padding: 'dense',
              // No drag-to-reorder: its handle is a focusable element nested
              // in each header's sort button (axe: nested-interactive).
              draggable: false,
            }}
          />
        )}
      </>
    );
  }

  return (
    <Content data-testid="slo-board">
      <Grid container spacing={3}>
        <Grid item xs={12} md={3}>
          <Select
            data-testid="filter-owner"
            label="Owner"
            items={[
              { label: 'All teams', value: ALL },
              ...(choices.value?.groups ?? []),
            ]}
            selected={owner}
            onChange={v => setOwner(String(v))}
          />
        </Grid>
        <Grid item xs={12} md={3}>
          <Select
            data-testid="filter-system"
            label="System"
            items={[
              { label: 'Whole platform', value: ALL },
              ...(choices.value?.systems ?? []),
            ]}
            selected={system}
            onChange={v => setSystem(String(v))}
          />
        </Grid>
        <Grid item xs={12} md={3}>
          <Select
            data-testid="filter-alert"
            label="Alert state"
            items={ALERTS}
            selected={alert}
            onChange={v => setAlert(String(v))}
          />
        </Grid>
        <Grid item xs={12} md={3}>
          <TextField
            label="Search"
            placeholder="service, SLO, description"
            value={text}
            onChange={e => setText(e.target.value)}
            fullWidth
            variant="outlined"
            margin="dense"
            inputProps={{ 'aria-label': 'Search SLOs' }}
            InputLabelProps={{ className: classes.searchLabel }}
          />
        </Grid>
        {board.value && board.value.slos.length > 0 && (
          <Grid item xs={12}>
            <AlertCountChip state="page" count={counts.page} />{' '}
            <AlertCountChip state="ticket" count={counts.ticket} />{' '}
            <AlertCountChip state="ok" count={counts.ok} />
          </Grid>
        )}
        <Grid item xs={12}>
          {results}
        </Grid>
      </Grid>
    </Content>
  );
}
