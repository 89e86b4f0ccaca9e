import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { CountsGroup, OUTCOMES } from '@internal/plugin-kyverno-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Tab from '@material-ui/core/Tab';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { ScrollArea } from '@internal/frontend-helpers';

const useStyles = makeStyles(theme => ({
  head: { '& > th': { whiteSpace: 'nowrap' } },
  // Unselected tabs in the primary text colour: the secondary one is barely
  // 4.5:1 on the card.
  tab: {
    '&&:not(.Mui-selected)': { color: theme.palette.text.primary },
  },
}));

export type Grouping = {
  id: 'system' | 'team' | 'namespace' | 'cluster';
  label: string;
  groups: CountsGroup[];
  /** Keys are entity refs, shown as links to the catalog. */
  entities?: boolean;
};

function Key({ value, entity }: { value: string; entity?: boolean }) {
  if (!value) return <>unassigned</>;
  if (entity && value.includes(':')) {
    return <EntityRefLink entityRef={value} defaultKind="system" />;
  }
  return <>{value}</>;
}

function CountsTable({ grouping }: { grouping: Grouping }) {
  const classes = useStyles();
  if (grouping.groups.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No result to count by {grouping.id}.
      </Typography>
    );
  }
  return (
    <ScrollArea label={`Results by ${grouping.id}`}>
      <Table size="small" aria-label={`Results by ${grouping.id}`}>
        <TableHead>
          <TableRow className={classes.head}>
            <TableCell>{grouping.label}</TableCell>
            {OUTCOMES.map(o => (
              <TableCell key={o} align="right">
                {o}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {grouping.groups.map(g => (
            <TableRow key={g.key}>
              <TableCell component="th" scope="row">
                <Key value={g.key} entity={grouping.entities} />
              </TableCell>
              {OUTCOMES.map(o => (
                <TableCell key={o} align="right">
                  {g.counts[o] ?? 0}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </ScrollArea>
  );
}

/** Counts by system, team, namespace and cluster, one tab each. */
export function GroupCounts({ groupings }: { groupings: Grouping[] }) {
  const classes = useStyles();
  const [tab, setTab] = useState(0);
  return (
    <>
      <Tabs
        value={tab}
        onChange={(_, v) => setTab(v)}
        indicatorColor="primary"
        textColor="primary"
        aria-label="Count results by"
        variant="scrollable"
        scrollButtons="off"
      >
        {groupings.map((g, i) => (
          <Tab
            key={g.id}
            label={`By ${g.id}`}
            id={`kyverno-group-tab-${g.id}`}
            aria-controls={`kyverno-group-panel-${g.id}`}
            value={i}
            className={classes.tab}
          />
        ))}
      </Tabs>
      {/* Every panel is rendered (hidden but one): each tab controls one. */}
      {groupings.map((g, i) => (
        <div
          key={g.id}
          role="tabpanel"
          id={`kyverno-group-panel-${g.id}`}
          aria-labelledby={`kyverno-group-tab-${g.id}`}
          hidden={i !== tab}
        >
          {i === tab && (
            <Box pt={2}>
              <CountsTable grouping={g} />
            </Box>
          )}
        </div>
      ))}
    </>
  );
}
