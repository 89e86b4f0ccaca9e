import { Link } from '@backstage/core-components';
import {
  CheckDefinition,
  CheckResult,
} from '@internal/plugin-scorecards-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ScrollArea } from '@internal/frontend-helpers';
import { OutcomeChip } from '../OutcomeChip';

const useStyles = makeStyles({
  head: { '& > th': { whiteSpace: 'nowrap' } },
  nowrap: { whiteSpace: 'nowrap' },
  title: { fontWeight: 500 },
});

/** A check of the catalogue with what the latest collection said of it. */
export type CheckRow = { check: CheckDefinition; result: CheckResult };

/**
 * The checks of one level: outcome (in words), what the check asks, why it
 * passed or failed, and where to read how to fix it.
 */
export function CheckTable(props: { label: string; rows: CheckRow[] }) {
  const { label, rows } = props;
  const classes = useStyles();
  return (
    <ScrollArea label={label}>
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow className={classes.head}>
            <TableCell>Outcome</TableCell>
            <TableCell>Check</TableCell>
            <TableCell>Detail</TableCell>
            <TableCell>How to fix</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(({ check, result }) => (
            <TableRow key={check.id} data-check={check.id}>
              <TableCell>
                <OutcomeChip outcome={result.outcome} />
              </TableCell>
              {/* Material UI gives a body cell rendered as a th the role
                  "cell": the check's title heads its row. */}
              <TableCell component="th" scope="row" role="rowheader">
                <Typography variant="body2" className={classes.title}>
                  {check.title}
                </Typography>
                <Typography variant="body2">{check.description}</Typography>
              </TableCell>
              <TableCell>{result.detail || '—'}</TableCell>
              <TableCell className={classes.nowrap}>
                {/* Every row has one: its name says which check it fixes. */}
                <Link
                  to={check.howToFix}
                  aria-label={`How to fix: ${check.title}`}
                >
                  How to fix
                </Link>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </ScrollArea>
  );
}
