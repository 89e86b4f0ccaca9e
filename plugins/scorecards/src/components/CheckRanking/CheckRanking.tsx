import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  CHECKS_BY_ID,
  CheckRanking as Ranking,
} from '@internal/plugin-scorecards-common';
import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Fragment, useState } from 'react';
import { ScrollArea } from '@internal/frontend-helpers';
import { checkTitle } from '../format';
import { LevelChip } from '../LevelChip';

/** Failing services listed before "Show all": a row stays readable. */
export const SERVICES_SHOWN = 8;

const useStyles = makeStyles(theme => ({
  head: { '& > th': { whiteSpace: 'nowrap' } },
  title: { fontWeight: 500 },
  services: { lineHeight: 1.8 },
  more: { marginLeft: theme.spacing(1), padding: theme.spacing(0, 1) },
}));

function FailingServices(props: { refs: string[]; check: string }) {
  const { refs, check } = props;
  const classes = useStyles();
  const [all, setAll] = useState(false);
  if (refs.length === 0) return <>—</>;
  const shown = all ? refs : refs.slice(0, SERVICES_SHOWN);
  return (
    <span className={classes.services}>
      {shown.map((ref, i) => (
        <Fragment key={ref}>
          {i > 0 && ', '}
          <EntityRefLink entityRef={ref} defaultKind="component" />
        </Fragment>
      ))}
      {refs.length > SERVICES_SHOWN && (
        <Button
          size="small"
          className={classes.more}
          onClick={() => setAll(a => !a)}
          aria-expanded={all}
          aria-label={
            all
              ? `Show fewer services failing ${check}`
              : `Show all ${refs.length} services failing ${check}`
          }
        >
          {all ? 'Show fewer' : `Show all ${refs.length}`}
        </Button>
      )}
    </span>
  );
}

/**
 * "What most services fail": the checks in the order the backend ranks
 * them (most failing first), each with its level, how many services fail
 * it or could not be evaluated, and which services fail it.
 */
export function CheckRanking({ ranking }: { ranking: Ranking }) {
  const classes = useStyles();
  const label = 'Checks by number of failing services';
  return (
    <ScrollArea label={label}>
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow className={classes.head}>
            <TableCell>Check</TableCell>
            <TableCell>Level</TableCell>
            <TableCell align="right">Failing</TableCell>
            <TableCell align="right">Unknown</TableCell>
            <TableCell>Failing services</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {ranking.checks.map(c => {
            const check = CHECKS_BY_ID.get(c.id);
            const title = checkTitle(c.id);
            return (
              <TableRow key={c.id} data-check={c.id}>
                <TableCell component="th" scope="row" role="rowheader">
                  <Typography variant="body2" className={classes.title}>
                    {title}
                  </Typography>
                  {check && (
                    <Link
                      to={check.howToFix}
                      aria-label={`How to fix: ${title}`}
                    >
                      How to fix
                    </Link>
                  )}
                </TableCell>
                <TableCell>
                  {check ? <LevelChip level={check.level} /> : '—'}
                </TableCell>
                <TableCell align="right">{c.failing}</TableCell>
                <TableCell align="right">{c.unknown}</TableCell>
                <TableCell>
                  <FailingServices refs={c.failingServices} check={title} />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </ScrollArea>
  );
}
