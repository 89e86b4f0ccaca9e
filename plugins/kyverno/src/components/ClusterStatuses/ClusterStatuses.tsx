import { ClusterStatus } from '@internal/plugin-kyverno-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ScrollArea } from '@internal/frontend-helpers';
import { absolute, ago } from '../format';

const useStyles = makeStyles(theme => ({
  alerts: { '& > * + *': { marginTop: theme.spacing(1) } },
  nowrap: { whiteSpace: 'nowrap' },
  head: { '& > th': { whiteSpace: 'nowrap' } },
}));

/** "results as of 2025-03-12 08:00 UTC, stale" for a cluster that failed. */
export function staleNote(c: ClusterStatus) {
  return c.readAt ? `Results as of ${absolute(c.readAt)}, stale.` : undefined;
}

/** A cluster that could not be read: why, and how old its results are. */
function ClusterProblem({ cluster }: { cluster: ClusterStatus }) {
  const stale = staleNote(cluster);
  return (
    <Alert severity="warning" data-cluster={cluster.cluster}>
      <AlertTitle>Cluster {cluster.cluster} could not be read</AlertTitle>
      {cluster.error ?? 'The backend gave no reason: its log has the detail.'}
      {stale && (
        <Typography variant="body2" component="div">
          {stale}
        </Typography>
      )}
      {!stale && (
        <Typography variant="body2" component="div">
          No earlier results of this cluster are shown.
        </Typography>
      )}
    </Alert>
  );
}

/**
 * How reading each cluster went: a warning per cluster that failed (its
 * error, and its older results labelled stale); with `details`, a table of
 * every cluster. The other clusters' results are shown whatever one says.
 */
export function ClusterStatuses(props: {
  clusters: ClusterStatus[];
  details?: boolean;
}) {
  const { clusters, details } = props;
  const classes = useStyles();
  const failed = clusters.filter(c => !c.ok);
  const read = clusters.filter(c => c.ok).map(c => c.cluster);
  return (
    <Box className={classes.alerts}>
      {failed.map(c => (
        <ClusterProblem key={c.cluster} cluster={c} />
      ))}
      {!details && read.length > 0 && (
        <Typography variant="body2" color="textSecondary">
          Read: {read.join(', ')}.
        </Typography>
      )}
      {details && clusters.length > 0 && (
        <ScrollArea label="Clusters">
          <Table size="small" aria-label="Clusters">
            <TableHead>
              <TableRow className={classes.head}>
                <TableCell>Cluster</TableCell>
                <TableCell>State</TableCell>
                <TableCell align="right">Reports</TableCell>
                <TableCell align="right">Results</TableCell>
                <TableCell>Read</TableCell>
                <TableCell>Notes</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {clusters.map(c => (
                <TableRow key={c.cluster} data-cluster={c.cluster}>
                  <TableCell component="th" scope="row">
                    {c.cluster}
                  </TableCell>
                  <TableCell className={classes.nowrap}>
                    {c.ok ? 'read' : 'could not be read'}
                  </TableCell>
                  <TableCell align="right">{c.reports}</TableCell>
                  <TableCell align="right">{c.results}</TableCell>
                  <TableCell
                    className={classes.nowrap}
                    title={absolute(c.readAt)}
                  >
                    {c.readAt ? ago(c.readAt) : '—'}
                    {!c.ok && c.readAt ? ' (stale)' : ''}
                  </TableCell>
                  <TableCell>
                    {[
                      !c.ok ? c.error : undefined,
                      ...c.warnings,
                      c.apis.length ? `serves ${c.apis.join(', ')}` : undefined,
                    ]
                      .filter(Boolean)
                      .map(line => (
                        <div key={line}>{line}</div>
                      ))}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </ScrollArea>
      )}
    </Box>
  );
}
