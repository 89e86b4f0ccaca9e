import { useCallback, useMemo } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  EntityRefLinks,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import { DataFinding } from '@internal/plugin-data-ownership';
import { dlqApiRef } from '@internal/plugin-dlq';
import { SloList, sloApiRef } from '@internal/plugin-slo';
import { ButtonLink } from '@backstage/ui';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { LINKS } from '../links';
import {
  cardTitleProps,
  CellError,
  CellLoading,
  LoadError,
  Quiet,
} from './states';
import {
  DeadLetterResults,
  findingsOf,
  loadDeadLetters,
  loadResourceFindings,
  loadSlos,
  loadTeam,
  refOf,
  summarizeSlos,
  Team,
} from './teamServices';
import { LoadState, useLoad } from './useLoad';

const TITLE = "My team's services";

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

const ALERT_LABEL = { page: 'paging', ticket: 'ticket', ok: 'ok' } as const;

function SloCell(props: { entity: Entity; slos: LoadState<SloList> }) {
  const { entity, slos } = props;
  const entityLink = useEntityRefLink();
  if (slos.loading) return <CellLoading label="Loading SLOs" />;
  if (slos.error) return <CellError error={slos.error} />;
  if (!slos.value) return null;
  const summary = summarizeSlos(slos.value, refOf(entity));
  // A Prometheus server that did not answer: its SLOs may be missing.
  const serverErrors = slos.value.errors.map(e => `${e.server}: ${e.message}`);
  if (!summary?.worst) {
    return (
      <>
        {serverErrors.length > 0 ? (
          <CellError error={new Error(serverErrors.join('; '))} />
        ) : (
          <Quiet>
            {entity.spec?.type === 'service' ? 'No SLO yet' : 'None'}
          </Quiet>
        )}
        {summary?.problems.map(p => (
          <Box key={p}>
            <CellError error={new Error(p)} />
          </Box>
        ))}
      </>
    );
  }
  const { worst, count } = summary;
  const left = worst.errorBudget.remainingRatio;
  const budget =
    left === undefined ? 'no data yet' : `${percent(left)} budget left`;
  return (
    <>
      <Link to={`${entityLink(entity)}/slo`}>
        {`${ALERT_LABEL[worst.alert]}, ${budget}`}
      </Link>
      <Box>
        <Quiet>
          {count === 1
            ? worst.slo
            : `${worst.slo}, the most urgent of ${count}`}
        </Quiet>
      </Box>
      {[...serverErrors, ...summary.problems].map(p => (
        <Box key={p}>
          <CellError error={new Error(p)} />
        </Box>
      ))}
    </>
  );
}

function DeadLettersCell(props: {
  entity: Entity;
  deadLetters: LoadState<DeadLetterResults>;
}) {
  const { entity, deadLetters } = props;
  const entityLink = useEntityRefLink();
  if (deadLetters.loading) return <CellLoading label="Loading dead letters" />;
  const result = deadLetters.value?.get(refOf(entity));
  if (!result) return <Quiet>Not tracked</Quiet>;
  if ('error' in result) return <CellError error={result.error} />;
  const { total, queues } = result.value;
  if (total === 0) return <Quiet>None</Quiet>;
  const where = queues
    .filter(q => q.depth > 0)
    .map(q => `${q.depth} in ${q.queue}`)
    .join(', ');
  return (
    <>
      <Link to={`${entityLink(entity)}/dead-letters`}>
        {total} dead letter{total === 1 ? '' : 's'}
      </Link>
      {where && (
        <Box>
          <Quiet>{where}</Quiet>
        </Box>
      )}
    </>
  );
}

const RULE_LABEL: Record<DataFinding['rule'], string> = {
  'unowned-table': 'unowned table',
  'conflicting-owners': 'conflicting owners',
  'cross-service-table': 'cross-service table',
  'multiple-producers': 'several producers',
  'unknown-service': 'unknown service',
  'undeclared-topic': 'undeclared topic',
  'missing-topic': 'missing topic',
  'retention-mismatch': 'retention differs',
  'partitions-mismatch': 'partitions differ',
  'unclaimed-consumer-group': 'unclaimed consumer group',
  'undeclared-consumer': 'undeclared consumer',
};

function FindingsCell(props: {
  entity: Entity;
  findings: LoadState<Map<string, DataFinding[]>>;
}) {
  const { entity, findings } = props;
  if (findings.loading) return <CellLoading label="Loading data findings" />;
  if (findings.error) return <CellError error={findings.error} />;
  const all = findingsOf(entity, findings.value ?? new Map());
  if (all.length === 0) return <Quiet>None</Quiet>;
  const errors = all.filter(f => f.level === 'error').length;
  const rules = [...new Set(all.map(f => RULE_LABEL[f.rule] ?? f.rule))];
  return (
    <>
      <Typography variant="body2" component="span">
        {all.length} open
        {errors > 0 ? ` (${errors} error${errors === 1 ? '' : 's'})` : ''}
      </Typography>
      <Box>
        <Quiet>{rules.join(', ')}</Quiet>
      </Box>
    </>
  );
}

function Owners({ team }: { team: Team }) {
  const groups = team.owners.filter(r => r.startsWith('group:'));
  if (groups.length === 0) return <>Components you own</>;
  // One inline element: InfoCard's subheader is a flex box, which would
  // drop the space between the text and the links.
  return (
    <span>
      Components owned by{' '}
      {/* Underlined: a link inside a sentence is told apart by more than colour. */}
      <EntityRefLinks entityRefs={groups} hideIcons underline="always" />
    </span>
  );
}

function NoService({ team }: { team: Team }) {
  return (
    <>
      <Typography variant="h6" component="h3">
        Your teams own no service yet
      </Typography>
      <Typography variant="body1" paragraph>
        {team.owners.some(r => r.startsWith('group:'))
          ? 'Components whose owner is one of your teams appear here once they are in the catalog.'
          : 'You belong to no team in the catalog: components are listed here by the teams that own them.'}
      </Typography>
      <ButtonLink href={LINKS.createService} variant="secondary">
        Create your team's first service
      </ButtonLink>
    </>
  );
}

/** Retry buttons for the columns whose backend failed. */
function FailedColumns(props: {
  failed: Array<{ label: string; retry: () => void }>;
}) {
  if (props.failed.length === 0) return null;
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" mb={1}>
      <Box mr={1}>
        <Quiet>Some columns could not be read.</Quiet>
      </Box>
      {props.failed.map(f => (
        <Box key={f.label} mr={1}>
          <Button size="small" variant="outlined" onClick={f.retry}>
            Retry {f.label}
          </Button>
        </Box>
      ))}
    </Box>
  );
}

/**
 * The components the signed-in user's teams own, each with its SLO state,
 * dead letters and open data-ownership findings. Each column has its own
 * backend; one that fails says so in its cells, the rest still shows.
 */
export function TeamServicesCard() {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const sloApi = useApi(sloApiRef);
  const dlqApi = useApi(dlqApiRef);

  const team = useLoad(
    useCallback(
      () => loadTeam(identityApi, catalogApi),
      [identityApi, catalogApi],
    ),
  );
  const teamValue = team.value;
  const hasComponents = Boolean(teamValue?.components.length);
  const slos = useLoad(
    useMemo(
      () =>
        teamValue && hasComponents
          ? () => loadSlos(sloApi, teamValue)
          : undefined,
      [sloApi, teamValue, hasComponents],
    ),
  );
  const deadLetters = useLoad(
    useMemo(
      () =>
        teamValue && hasComponents
          ? () => loadDeadLetters(dlqApi, teamValue)
          : undefined,
      [dlqApi, teamValue, hasComponents],
    ),
  );
  const findings = useLoad(
    useMemo(
      () =>
        teamValue && hasComponents
          ? () => loadResourceFindings(catalogApi, teamValue)
          : undefined,
      [catalogApi, teamValue, hasComponents],
    ),
  );

  const columns: TableColumn<Entity>[] = useMemo(
    () => [
      {
        title: 'Component',
        field: 'metadata.name',
        render: entity => (
          <>
            <EntityRefLink entityRef={entity} hideIcon disableTooltip />
            <Box>
              <Quiet>{String(entity.spec?.type ?? entity.kind)}</Quiet>
            </Box>
          </>
        ),
      },
      {
        title: 'SLOs',
        render: entity => <SloCell entity={entity} slos={slos} />,
      },
      {
        title: 'Dead letters',
        render: entity => (
          <DeadLettersCell entity={entity} deadLetters={deadLetters} />
        ),
      },
      {
        title: 'Data findings',
        render: entity => <FindingsCell entity={entity} findings={findings} />,
      },
    ],
    [slos, deadLetters, findings],
  );

  // material-table writes its own state into each row: give it copies.
  const rows = useMemo(
    () => teamValue?.components.map(e => ({ ...e })) ?? [],
    [teamValue],
  );

  const failed = [
    ...(slos.error ? [{ label: 'SLOs', retry: slos.retry }] : []),
    ...([...(deadLetters.value?.values() ?? [])].some(r => 'error' in r)
      ? [{ label: 'dead letters', retry: deadLetters.retry }]
      : []),
    ...(findings.error ? [{ label: 'findings', retry: findings.retry }] : []),
  ];

  let content;
  if (team.loading) {
    content = <Progress aria-label="Loading your team's services" />;
  } else if (team.error || !teamValue) {
    content = (
      <LoadError
        error={team.error ?? new Error('No answer')}
        retry={team.retry}
        what="Your team's services"
      />
    );
  } else if (teamValue.components.length === 0) {
    content = <NoService team={teamValue} />;
  } else {
    content = (
      <>
        <FailedColumns failed={failed} />
        <Table<Entity>
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
      </>
    );
  }

  return (
    <InfoCard
      title={TITLE}
      titleTypographyProps={cardTitleProps}
      subheader={teamValue ? <Owners team={teamValue} /> : undefined}
    >
      {content}
    </InfoCard>
  );
}
