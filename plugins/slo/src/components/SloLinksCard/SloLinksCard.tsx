import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Entity, getCompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { useEntity } from '@backstage/plugin-catalog-react';
import { SLO_DASHBOARD_URL_ANNOTATION } from '@internal/plugin-slo-common';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { sloApiRef } from '../../api/SloClient';

const isWebUrl = (url: string) => /^https?:\/\//i.test(url);

/** Dashboards of the entity: its dashboard annotation, then its links. */
export function dashboardsOf(entity: Entity): { title: string; url: string }[] {
  const found: { title: string; url: string }[] = [];
  const annotated = entity.metadata.annotations?.[SLO_DASHBOARD_URL_ANNOTATION];
  if (annotated && isWebUrl(annotated)) {
    found.push({ title: 'Service dashboard', url: annotated });
  }
  const links = [...(entity.metadata.links ?? [])].sort(
    (a, b) => Number(b.type === 'dashboard') - Number(a.type === 'dashboard'),
  );
  for (const l of links) {
    if (isWebUrl(l.url) && !found.some(f => f.url === l.url)) {
      found.push({ title: l.title ?? l.url, url: l.url });
    }
  }
  return found;
}

/** Where on-call goes next: the service's runbooks and dashboards. */
export function SloLinksCard() {
  const { entity } = useEntity();
  const api = useApi(sloApiRef);
  const runbooks = useAsync(
    () => api.getEntityRunbooks(getCompoundEntityRef(entity)),
    [api, entity],
  );
  const dashboards = dashboardsOf(entity);
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const docsRoot = `/docs/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}`;
  const hasDocs = Boolean(
    entity.metadata.annotations?.['backstage.io/techdocs-ref'],
  );

  let runbookList;
  if (runbooks.loading) runbookList = <Progress />;
  else if (runbooks.error) {
    // Only this list suffers: dashboards and the rest of the tab still show.
    runbookList = (
      <Alert severity="warning">
        Runbooks could not be loaded:{' '}
        {(runbooks.error as Partial<ResponseError>).body?.error?.message ??
          runbooks.error.message}
      </Alert>
    );
  } else if (!runbooks.value?.length) {
    runbookList = (
      <Typography variant="body2" color="textSecondary">
        No runbook yet: add Markdown files under docs/runbooks/ in this
        service's TechDocs.
      </Typography>
    );
  } else {
    runbookList = (
      <List dense disablePadding>
        {runbooks.value.map(r => (
          <ListItem key={r.id} disableGutters>
            <ListItemText
              primary={<Link to={r.docsPath}>{r.title}</Link>}
              secondary={r.severity}
            />
            {r.stale && <Chip size="small" label="stale" />}
          </ListItem>
        ))}
      </List>
    );
  }

  return (
    <InfoCard title="Runbooks and dashboards">
      <Typography variant="subtitle2">Runbooks</Typography>
      {runbookList}
      {hasDocs && (
        <Typography variant="body2">
          <Link to={`${docsRoot}/runbooks/`}>All runbooks in TechDocs</Link>
        </Typography>
      )}
      <Typography variant="subtitle2" style={{ marginTop: 16 }}>
        Dashboards
      </Typography>
      {dashboards.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No dashboard linked: add a {SLO_DASHBOARD_URL_ANNOTATION} annotation
          or metadata.links to the entity.
        </Typography>
      ) : (
        <List dense disablePadding>
          {dashboards.map(d => (
            <ListItem key={d.url} disableGutters>
              <ListItemText primary={<Link to={d.url}>{d.title}</Link>} />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}
