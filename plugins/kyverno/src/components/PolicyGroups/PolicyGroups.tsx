import { Link } from '@backstage/core-components';
import { PolicyFinding, PolicyGroup } from '@internal/plugin-kyverno-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ScrollArea } from '@internal/frontend-helpers';
import { OutcomeChip, SeverityChip } from '../chips';
import { absolute, appPath, openFor, resourceLabel } from '../format';

const useStyles = makeStyles(theme => ({
  group: { '& + &': { marginTop: theme.spacing(4) } },
  heading: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  name: { fontFamily: 'monospace', fontSize: theme.typography.pxToRem(13) },
  controls: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    margin: theme.spacing(1, 0),
  },
  nowrap: { whiteSpace: 'nowrap' },
  head: { '& > th': { whiteSpace: 'nowrap' } },
}));

/** "PCI-DSS:2.2.5" as an outlined chip: what a reviewer maps evidence to. */
export function ControlChips({ controls }: { controls: string[] }) {
  if (controls.length === 0) return <>—</>;
  return (
    <>
      {controls.map(c => (
        <Chip key={c} size="small" variant="outlined" label={c} />
      ))}
    </>
  );
}

/** When a finding was first seen, as days open; the date on hover. */
export function OpenFor({ finding }: { finding: PolicyFinding }) {
  return (
    <span title={`First seen ${absolute(finding.firstSeen)}`}>
      {openFor(finding.firstSeen)}
    </span>
  );
}

function FindingsTable(props: { group: PolicyGroup }) {
  const { group } = props;
  const classes = useStyles();
  return (
    <ScrollArea label={`Findings of policy ${group.policy}`}>
      <Table size="small" aria-label={`Findings of policy ${group.policy}`}>
        <TableHead>
          <TableRow className={classes.head}>
            <TableCell>Resource</TableCell>
            <TableCell>Rule</TableCell>
            <TableCell>Outcome</TableCell>
            <TableCell>Severity</TableCell>
            <TableCell>Cluster</TableCell>
            <TableCell>Message</TableCell>
            <TableCell>Open</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {group.findings.map(f => (
            <TableRow
              key={`${f.cluster}|${f.rule}|${f.resource.kind}|${f.resource.namespace}|${f.resource.name}`}
            >
              <TableCell>{resourceLabel(f.resource)}</TableCell>
              <TableCell>{f.rule}</TableCell>
              <TableCell>
                <OutcomeChip outcome={f.outcome} />
              </TableCell>
              <TableCell>
                <SeverityChip severity={f.severity ?? group.severity} />
              </TableCell>
              <TableCell className={classes.nowrap}>{f.cluster}</TableCell>
              <TableCell>{f.message || '—'}</TableCell>
              <TableCell className={classes.nowrap}>
                <OpenFor finding={f} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </ScrollArea>
  );
}

/**
 * Failing and warning results grouped by policy, worst first as the backend
 * sends them: what the policy is, the controls it evidences, how to fix it,
 * and each resource that breaks it.
 */
export function PolicyGroups({ groups }: { groups: PolicyGroup[] }) {
  const classes = useStyles();
  return (
    <>
      {groups.map(g => (
        <Box
          key={g.policy}
          className={classes.group}
          component="section"
          aria-labelledby={`kyverno-policy-${g.policy}`}
          data-policy={g.policy}
        >
          <div className={classes.heading}>
            <Typography
              variant="h6"
              component="h3"
              id={`kyverno-policy-${g.policy}`}
            >
              {g.title ?? g.policy}
            </Typography>
            {g.title && g.title !== g.policy && (
              <span className={classes.name}>{g.policy}</span>
            )}
            <SeverityChip severity={g.severity} />
          </div>
          <div className={classes.controls}>
            <Typography variant="body2" component="span">
              Evidences:
            </Typography>
            <ControlChips controls={g.controls} />
            {g.remediationUrl && (
              <Box ml={2} component="span">
                <Link
                  to={appPath(g.remediationUrl)}
                  aria-label={`How to fix ${g.title ?? g.policy}`}
                >
                  How to fix
                </Link>
              </Box>
            )}
          </div>
          <FindingsTable group={g} />
        </Box>
      ))}
    </>
  );
}
