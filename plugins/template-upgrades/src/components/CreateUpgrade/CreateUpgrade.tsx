import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  templateUpgradesCreatePermission,
  UpgradeProposal,
  UpgradeResult,
} from '@internal/plugin-template-upgrades-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useRef, useState } from 'react';
import { messageOf, statusOf } from '@internal/frontend-helpers';
import { templateUpgradesApiRef } from '../../api/TemplateUpgradesClient';
import { shortCommit } from '../format';

/** The button's words, after where the upgrade goes. */
export const actionLabel = (target: UpgradeProposal['target']) =>
  target.kind === 'github-pull-request'
    ? 'Open the pull request'
    : 'Create the upgrade branch';

/** Where the upgrade would go, in a sentence. */
export const targetText = (target: UpgradeProposal['target']) =>
  target.kind === 'github-pull-request'
    ? `A pull request from the branch ${target.branch} on ${target.repository}.`
    : `The branch ${target.branch} in ${target.repository}; merge it once reviewed.`;

/** Why the upgrade was not created, with the backend's words. */
export function failureText(error: unknown) {
  const status = statusOf(error);
  if (status === 403) {
    return `You are not allowed to create this upgrade: ${messageOf(error)}`;
  }
  if (status === 409) return `Nothing to upgrade: ${messageOf(error)}`;
  return `The upgrade could not be created: ${messageOf(error)}`;
}

/** What was created, and what is left to do. */
function Created(props: { result: UpgradeResult }) {
  const { result } = props;
  return (
    <Alert severity="success" data-testid="upgrade-created">
      <AlertTitle>
        {result.pullRequestUrl
          ? `Pull request opened: ${result.from} to ${result.to}`
          : `Upgrade branch created: ${result.from} to ${result.to}`}
      </AlertTitle>
      <Typography variant="body2">
        Branch <code>{result.branch}</code>, commit{' '}
        <code title={result.commit}>{shortCommit(result.commit)}</code>.
      </Typography>
      {result.pullRequestUrl && (
        <Typography variant="body2">
          <Link to={result.pullRequestUrl}>See the pull request</Link>
        </Typography>
      )}
      {result.conflicts.length > 0 && (
        <Typography variant="body2">
          {`Resolve the conflict markers in ${result.conflicts.join(
            ', ',
          )} before merging.`}
        </Typography>
      )}
    </Alert>
  );
}

/**
 * "Create the upgrade branch" (or "Open the pull request" on GitHub), for
 * those allowed to on this service (its owning team and platform admins).
 * Others see where the upgrade would go and who can create it, without the
 * button. After it is created, what was created; on failure, why.
 */
export function CreateUpgrade(props: {
  entityRef: CompoundEntityRef;
  proposal: UpgradeProposal;
}) {
  const { entityRef, proposal } = props;
  const api = useApi(templateUpgradesApiRef);
  const { loading: checking, allowed } = usePermission({
    permission: templateUpgradesCreatePermission,
    resourceRef: stringifyEntityRef(entityRef),
  });
  const [busy, setBusy] = useState(false);
  // A double click must not create two upgrades.
  const inFlight = useRef(false);
  const [result, setResult] = useState<UpgradeResult>();
  const [failure, setFailure] = useState<string>();

  const create = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setFailure(undefined);
    try {
      setResult(await api.createUpgrade(entityRef));
    } catch (e) {
      setFailure(failureText(e));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const label = actionLabel(proposal.target);
  return (
    <Box data-testid="create-upgrade">
      <Typography variant="body2" paragraph>
        {targetText(proposal.target)}
      </Typography>
      {result && <Created result={result} />}
      {!result && !checking && allowed && (
        <Button
          variant="contained"
          color="primary"
          disabled={busy}
          onClick={create}
        >
          {busy ? `${label}…` : label}
        </Button>
      )}
      {!result && !checking && !allowed && (
        <Typography variant="body2">
          Creating it is for the service’s owning team and platform admins.
        </Typography>
      )}
      {failure && (
        <Box mt={2}>
          <Alert severity="error">{failure}</Alert>
        </Box>
      )}
    </Box>
  );
}
