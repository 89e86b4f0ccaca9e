import { ServiceDrift } from '@internal/plugin-template-upgrades-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { plural, templateName } from '../format';
import { ReleaseNotes } from '../ReleaseNotes';

/** "1 release behind (1.2.0)": how many, and the newest one. */
export const behindText = (drift: ServiceDrift) =>
  `${plural(drift.behind, 'release')} behind (${drift.current})`;

/** Why a service in that state cannot be upgraded from the portal. */
export function whyNotUpgradable(drift: ServiceDrift): string | undefined {
  const name = templateName(drift.template);
  if (drift.status === 'not-upgradable') {
    return `It was generated from ${name} before the template recorded its releases, so the portal cannot tell which of its files came from the template and which are yours. Take ${name}'s newest release (${drift.current}) by hand; from then on the portal can propose the next ones.`;
  }
  if (drift.status === 'unknown-version') {
    return `Its release, ${drift.version}, is not in ${name}'s changelog (the newest is ${drift.current}), so the portal cannot tell what an upgrade would change. Check the local-plus.io/template-version annotation in its catalog-info.yaml.`;
  }
  return undefined;
}

/**
 * Where a service stands against its template: its release, then how far
 * behind and what the releases it would get bring, or that it is up to
 * date, or why it cannot be upgraded from here.
 */
export function DriftSummary(props: { drift: ServiceDrift }) {
  const { drift } = props;
  const name = templateName(drift.template);
  let state;
  if (drift.status === 'behind') {
    state = (
      <>
        <Typography variant="h6" component="p">
          {behindText(drift)}
        </Typography>
        <ReleaseNotes releases={drift.releases} />
      </>
    );
  } else if (drift.status === 'current') {
    state = (
      <>
        <Typography variant="h6" component="p">
          Up to date
        </Typography>
        <Typography variant="body2">
          {`It is at ${name}'s newest release.`}
        </Typography>
      </>
    );
  } else {
    state = (
      <>
        <Typography variant="h6" component="p">
          {drift.status === 'not-upgradable'
            ? 'Cannot be upgraded from the portal'
            : 'Unknown release'}
        </Typography>
        <Typography variant="body2">{whyNotUpgradable(drift)}</Typography>
      </>
    );
  }
  return (
    <>
      <Box mb={1}>
        <Typography variant="subtitle1" component="p">
          {drift.version
            ? `Release ${drift.version} of ${name}`
            : `Generated from ${name}, release not recorded`}
        </Typography>
      </Box>
      {state}
    </>
  );
}
