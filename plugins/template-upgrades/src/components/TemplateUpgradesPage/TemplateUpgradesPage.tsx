import {
  Content,
  EmptyState,
  InfoCard,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { DriftList } from '@internal/plugin-template-upgrades-common';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { templateUpgradesApiRef } from '../../api/TemplateUpgradesClient';
import { DriftTable } from '../DriftTable';

const useStyles = makeStyles(theme => ({
  templates: { margin: theme.spacing(0, 0, 2), paddingLeft: theme.spacing(3) },
}));

/** "2 of 5 generated services are behind". */
export function behindSummary(list: DriftList) {
  const behind = list.services.filter(s => s.status === 'behind').length;
  const all = list.services.length;
  return `${behind} of ${all} generated ${
    all === 1 ? 'service is' : 'services are'
  } behind`;
}

/** The templates with their newest release, and how many services are behind. */
function Templates(props: { list: DriftList }) {
  const { list } = props;
  const classes = useStyles();
  return (
    <>
      {list.templates.length > 0 ? (
        <ul className={classes.templates}>
          {list.templates.map(t => (
            <Typography component="li" variant="body1" key={t.template}>
              <EntityRefLink entityRef={t.template} defaultKind="template" />
              {`: newest release ${t.current}`}
            </Typography>
          ))}
        </ul>
      ) : (
        <Typography variant="body2" paragraph>
          No template records its releases yet.
        </Typography>
      )}
      <Typography variant="h6" component="p">
        {behindSummary(list)}
      </Typography>
    </>
  );
}

/** Every generated service, or only those behind (the default). */
function Services(props: { list: DriftList }) {
  const { list } = props;
  const [onlyBehind, setOnlyBehind] = useState(true);
  if (list.services.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No generated service yet"
        description="Services created from a golden-path template carry its name and release (the local-plus.io/template annotations) and show here."
      />
    );
  }
  const shown = onlyBehind
    ? list.services.filter(s => s.status === 'behind')
    : list.services;
  return (
    <>
      <Box mb={1}>
        <FormControlLabel
          control={
            <Switch
              color="primary"
              checked={onlyBehind}
              onChange={e => setOnlyBehind(e.target.checked)}
            />
          }
          label="Only services behind"
        />
      </Box>
      <DriftTable
        title={
          onlyBehind
            ? `Services behind (${shown.length})`
            : `Every generated service (${shown.length})`
        }
        services={shown}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2">
              No service is behind: every generated service is at its template’s
              newest release, or cannot be upgraded from here.
            </Typography>
          </Box>
        }
      />
    </>
  );
}

/**
 * The Template upgrades page: each template's newest release, how many
 * generated services are behind, and every service with its release, as
 * the backend sorts them (most behind first).
 */
export function TemplateUpgradesPage() {
  const api = useApi(templateUpgradesApiRef);
  const drift = useAsyncRetry(() => api.getDrift(), [api]);

  let templates;
  if (drift.loading) templates = <Progress />;
  else if (drift.error) {
    templates = (
      <LoadError
        error={drift.error}
        what="Template upgrades"
        retry={drift.retry}
      />
    );
  } else if (drift.value) templates = <Templates list={drift.value} />;

  return (
    <Content data-testid="template-upgrades-page">
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard title="Templates">{templates}</InfoCard>
        </Grid>
        {!drift.loading && drift.value && (
          <Grid item xs={12}>
            <Services list={drift.value} />
          </Grid>
        )}
      </Grid>
    </Content>
  );
}
