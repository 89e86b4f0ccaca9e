import { useCallback, useMemo } from 'react';
import {
  InfoCard,
  Link,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { FiringAlert, runbooksApiRef } from '@internal/plugin-runbooks';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import CheckCircleOutline from '@material-ui/icons/CheckCircleOutline';
import { LINKS } from '../links';
import { cardTitleProps, CellError, LoadError, Quiet } from './states';
import { useLoad } from './useLoad';

/** Newest first; alerts without a start time last. */
export function newestFirst(alerts: FiringAlert[]): FiringAlert[] {
  const time = (a: FiringAlert) =>
    a.activeAt ? Date.parse(a.activeAt) || 0 : 0;
  return [...alerts].sort((a, b) => time(b) - time(a));
}

const columns: TableColumn<FiringAlert>[] = [
  {
    title: 'Alert',
    render: a => (
      <>
        <Typography variant="body2" component="span">
          <b>{a.name}</b>
        </Typography>
        {a.summary && (
          <Box>
            <Quiet>{a.summary}</Quiet>
          </Box>
        )}
      </>
    ),
  },
  {
    title: 'Severity',
    render: a => <Typography variant="body2">{a.severity ?? '—'}</Typography>,
  },
  {
    title: 'Service',
    render: a =>
      a.entityRef ? (
        <EntityRefLink entityRef={a.entityRef} hideIcon disableTooltip />
      ) : (
        <Typography variant="body2">{a.service ?? '—'}</Typography>
      ),
  },
  {
    title: 'Firing since',
    render: a => (
      <Typography variant="body2">
        {a.activeAt ? new Date(a.activeAt).toLocaleString() : '—'}
      </Typography>
    ),
  },
  {
    title: 'Runbook',
    render: a =>
      a.runbook ? (
        <>
          <Link to={a.runbook.docsPath}>{a.runbook.title}</Link>
          {a.runbook.stale && (
            <Box>
              <Quiet>not reviewed for a while</Quiet>
            </Box>
          )}
        </>
      ) : (
        <CellError
          error={
            new Error(
              a.runbookUrl
                ? `No runbook at ${a.runbookUrl}`
                : 'No runbook for this alert',
            )
          }
        />
      ),
  },
];

/** Every alert firing in Prometheus now, newest first, with its runbook. */
export function FiringAlertsCard() {
  const runbooksApi = useApi(runbooksApiRef);
  // Alerts start and stop while the page is open: asked again every 30 s.
  const alerts = useLoad(
    useCallback(() => runbooksApi.getFiringAlerts(), [runbooksApi]),
    { refreshMs: 30_000 },
  );
  const rows = useMemo(
    // Copies: material-table writes its own state into each row.
    () => newestFirst(alerts.value?.alerts ?? []).map(a => ({ ...a })),
    [alerts.value],
  );

  let content;
  if (alerts.loading) {
    content = <Progress aria-label="Loading the firing alerts" />;
  } else if (alerts.error) {
    content = (
      <LoadError
        error={alerts.error}
        retry={alerts.retry}
        what="The firing alerts"
      />
    );
  } else if (rows.length === 0) {
    content = (
      <Box display="flex" alignItems="flex-start">
        <CheckCircleOutline aria-hidden style={{ marginRight: 8 }} />
        <div>
          <Typography variant="body1">
            <b>No alert is firing</b>
          </Typography>
          <Quiet>Prometheus reports nothing firing right now.</Quiet>
        </div>
      </Box>
    );
  } else {
    content = (
      <Table<FiringAlert>
        columns={columns}
        data={rows}
        options={{
          paging: false,
          search: false,
          toolbar: false,
          sorting: false,
          draggable: false,
          padding: 'dense',
        }}
      />
    );
  }

  // Entities whose runbooks could not be read: their alerts may lack one.
  const unavailable = alerts.value?.unavailable ?? [];

  return (
    <InfoCard
      title={
        rows.length > 0
          ? `Alerts firing now (${rows.length})`
          : 'Alerts firing now'
      }
      titleTypographyProps={cardTitleProps}
      deepLink={{ link: LINKS.onCall, title: 'Who is on call' }}
    >
      {unavailable.map(u => (
        <Box key={u.entityRef} mb={1}>
          <CellError
            error={
              new Error(
                `Runbooks of ${u.entityRef} are not shown: ${u.message}`,
              )
            }
          />
        </Box>
      ))}
      {content}
    </InfoCard>
  );
}
