import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  UpgradeFile,
  UpgradeProposal,
} from '@internal/plugin-template-upgrades-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError, messageOf, statusOf } from '@internal/frontend-helpers';
import { templateUpgradesApiRef } from '../../api/TemplateUpgradesClient';
import { CreateUpgrade } from '../CreateUpgrade';
import { isNotGenerated, NotGenerated } from '../EntityTemplateCard';
import { plural, templateName } from '../format';
import { ReleaseNotes } from '../ReleaseNotes';
import { UpgradeFiles } from '../UpgradeFiles';

/** The backend answers 409 when there is nothing to upgrade. */
export const isNothingToUpgrade = (error: unknown) => statusOf(error) === 409;

/**
 * "3 files changed by the template, 1 merged with your changes,
 * 1 conflict, 2 of your changes kept".
 */
export function fileSummary(files: UpgradeFile[]) {
  const count = (change: UpgradeFile['change']) =>
    files.filter(f => f.change === change).length;
  const byTemplate = files.filter(f => f.change !== 'kept').length;
  const merged = count('merged');
  const conflicts = count('conflict');
  const kept = count('kept');
  const parts = [`${plural(byTemplate, 'file')} changed by the template`];
  if (merged > 0) parts.push(`${merged} merged with your changes`);
  parts.push(conflicts > 0 ? plural(conflicts, 'conflict') : 'no conflict');
  if (kept > 0) parts.push(`${kept} of your changes kept`);
  return parts.join(', ');
}

const useStyles = makeStyles(theme => ({
  paths: { margin: theme.spacing(1, 0, 0), paddingLeft: theme.spacing(3) },
  section: { marginTop: theme.spacing(2) },
}));

/** The files both sides changed on the same lines: what to do about them. */
function Conflicts(props: { paths: string[] }) {
  const { paths } = props;
  const classes = useStyles();
  return (
    <Alert severity="warning" data-testid="upgrade-conflicts">
      <AlertTitle>{`${plural(
        paths.length,
        'conflict',
      )} to resolve by hand`}</AlertTitle>
      <Typography variant="body2">
        Your service and the template changed the same lines of{' '}
        {paths.length === 1 ? 'this file' : 'these files'}. The upgrade keeps
        both versions in {paths.length === 1 ? 'it' : 'them'}, between conflict
        markers (<code>{'<<<<<<<'}</code>, <code>=======</code>,{' '}
        <code>{'>>>>>>>'}</code>), for you to resolve by hand before merging:
        nothing is overwritten silently.
      </Typography>
      <ul className={classes.paths}>
        {paths.map(path => (
          <li key={path}>
            <code>{path}</code>
          </li>
        ))}
      </ul>
    </Alert>
  );
}

/** What the upgrade brings and does: the top card of the tab. */
function Proposal(props: { proposal: UpgradeProposal }) {
  const { proposal } = props;
  const { entity } = useEntity();
  const classes = useStyles();
  const ref = useMemo(() => getCompoundEntityRef(entity), [entity]);
  return (
    <>
      <Typography variant="h6" component="p">
        {`From ${proposal.from} to ${proposal.to}`}
      </Typography>
      <Typography variant="body2">
        {`${templateName(proposal.template)}: ${plural(
          proposal.releases.length,
          'release',
        )} to take.`}
      </Typography>
      <ReleaseNotes releases={proposal.releases} />
      <Typography variant="body1" className={classes.section}>
        {fileSummary(proposal.files)}
      </Typography>
      {proposal.conflicts.length > 0 && (
        <Box mt={2}>
          <Conflicts paths={proposal.conflicts} />
        </Box>
      )}
      <Box mt={2}>
        <CreateUpgrade entityRef={ref} proposal={proposal} />
      </Box>
    </>
  );
}

/** The entity's upgrade proposal, as the tab loads it. */
export function useUpgradeProposal() {
  const { entity } = useEntity();
  const api = useApi(templateUpgradesApiRef);
  const ref = useMemo(() => getCompoundEntityRef(entity), [entity]);
  return useAsyncRetry(
    () => api.getProposal(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );
}

/**
 * The Upgrade tab: what taking the template's newest release would change
 * in this service (the releases' notes, every file with its diff, the
 * conflicts to resolve by hand, the changes of its own that are kept), and
 * for its owners the button that creates the branch or pull request.
 */
export function EntityUpgradeContent() {
  const { value, loading, error, retry } = useUpgradeProposal();

  let top;
  if (loading) top = <Progress />;
  // Nothing to upgrade is a state of the service, not a failure.
  else if (isNothingToUpgrade(error)) {
    top = (
      <Alert severity="info">{`Nothing to upgrade: ${messageOf(error)}`}</Alert>
    );
  } else if (isNotGenerated(error)) top = <NotGenerated error={error} />;
  else if (error) {
    top = <LoadError error={error} what="The upgrade proposal" retry={retry} />;
  } else if (value) top = <Proposal proposal={value} />;

  return (
    <Grid container spacing={3} data-testid="upgrade-tab">
      <Grid item xs={12}>
        <InfoCard title="Golden path upgrade">{top}</InfoCard>
      </Grid>
      {!loading && value && (
        <Grid item xs={12}>
          <InfoCard
            title="Files"
            subheader="What each file becomes, with its diff; your own changes that are kept have none."
          >
            <UpgradeFiles files={value.files} />
          </InfoCard>
        </Grid>
      )}
    </Grid>
  );
}
