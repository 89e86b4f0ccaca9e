import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { ComplianceFilter, TrendPoint } from '@internal/plugin-kyverno-common';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { LoadError } from '@internal/frontend-helpers';
import { kyvernoApiRef } from '../../api/KyvernoClient';
import { DANGER_COLORS } from '../chips';
import { absolute, DAY, day } from '../format';
import { RANGES } from '../CompliancePage/filters';

/** What the chart stacks, worst at the bottom. */
export const SERIES = [
  { key: 'fail', label: 'fail', color: DANGER_COLORS.backgroundColor },
  { key: 'error', label: 'error', color: '#6A1B9A' },
  { key: 'warn', label: 'warn', color: '#E65100' },
  { key: 'excepted', label: 'excepted', color: '#1F5493' },
] as const;

const useStyles = makeStyles(theme => ({
  label: { '&&': { color: theme.palette.text.primary } },
  range: { minWidth: 180 },
}));

/**
 * "Between 12 Jan 2025 and 11 Feb 2025 (30 snapshots): fail 12 → 8, ..."
 * What the chart shows, in words, for those who do not see it.
 */
export function summarize(points: TrendPoint[], days: number) {
  if (points.length === 0) {
    return `No snapshot in the last ${days} days.`;
  }
  const first = points[0];
  const last = points[points.length - 1];
  const series = SERIES.map(s => {
    const from = first.counts[s.key] ?? 0;
    const to = last.counts[s.key] ?? 0;
    const peak = Math.max(...points.map(p => p.counts[s.key] ?? 0));
    return `${s.label} ${from} → ${to}${
      peak > Math.max(from, to) ? ` (peak ${peak})` : ''
    }`;
  });
  return `Between ${day(first.takenAt)} and ${day(last.takenAt)} (${
    points.length
  } snapshot${points.length === 1 ? '' : 's'}): ${series.join(', ')}.`;
}

/**
 * Failing, erroring, warning and excepted results per snapshot over the
 * chosen range, after the page's filters.
 */
export function TrendChart(props: {
  filter: ComplianceFilter;
  days: number;
  onDaysChange: (days: number) => void;
}) {
  const { filter, days, onDaysChange } = props;
  const api = useApi(kyvernoApiRef);
  const theme = useTheme();
  const classes = useStyles();
  const filterKey = JSON.stringify(filter);
  const trend = useAsyncRetry(() => {
    const to = new Date();
    const from = new Date(to.getTime() - days * DAY);
    return api.getTrend(
      { from: from.toISOString(), to: to.toISOString() },
      JSON.parse(filterKey),
    );
    // filterKey stands for the filter: a new object each render.
  }, [api, filterKey, days]);

  const points = useMemo(() => trend.value?.points ?? [], [trend.value]);
  const data = useMemo(
    () =>
      points.map(p => ({
        t: Date.parse(p.takenAt),
        ...Object.fromEntries(SERIES.map(s => [s.key, p.counts[s.key] ?? 0])),
      })),
    [points],
  );
  const summary = summarize(points, days);

  const range = (
    <TextField
      select
      id="kyverno-trend-range"
      label="Range"
      variant="outlined"
      size="small"
      margin="dense"
      className={classes.range}
      value={days}
      onChange={e => onDaysChange(Number(e.target.value))}
      InputLabelProps={{ className: classes.label }}
    >
      {RANGES.map(r => (
        <MenuItem key={r} value={r}>
          Last {r} days
        </MenuItem>
      ))}
    </TextField>
  );

  let content;
  if (trend.loading) content = <Progress />;
  else if (trend.error) {
    content = (
      <LoadError error={trend.error} what="The trend" retry={trend.retry} />
    );
  } else {
    content = (
      <>
        <Typography variant="body2" paragraph id="kyverno-trend-summary">
          {summary}
        </Typography>
        {points.length > 0 && (
          <div
            role="img"
            aria-label={`Chart of failing, erroring, warning and excepted results per snapshot, last ${days} days`}
            aria-describedby="kyverno-trend-summary"
          >
            <ResponsiveContainer width="100%" height={280}>
              <AreaChart
                data={data}
                margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
              >
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={['dataMin', 'dataMax']}
                  tickFormatter={t => day(t)}
                  tick={{ fill: theme.palette.text.primary, fontSize: 12 }}
                />
                <YAxis
                  allowDecimals={false}
                  tick={{ fill: theme.palette.text.primary, fontSize: 12 }}
                />
                <Tooltip
                  labelFormatter={t =>
                    absolute(new Date(Number(t)).toISOString())
                  }
                />
                <Legend
                  formatter={value => (
                    <span style={{ color: theme.palette.text.primary }}>
                      {value}
                    </span>
                  )}
                />
                {SERIES.map(s => (
                  <Area
                    key={s.key}
                    type="monotone"
                    dataKey={s.key}
                    name={s.label}
                    stackId="results"
                    stroke={s.color}
                    fill={s.color}
                    fillOpacity={0.35}
                    isAnimationActive={false}
                  />
                ))}
              </AreaChart>
            </ResponsiveContainer>
          </div>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title="Trend"
      action={
        <Box mt={1} mr={1}>
          {range}
        </Box>
      }
    >
      {content}
    </InfoCard>
  );
}
