import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { SloBudgetSeries } from '@internal/plugin-slo-common';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { LoadError } from '@internal/frontend-helpers';
import { sloApiRef } from '../../api/SloClient';
import { chartColors } from '../chartColors';
import { percent } from '../format';
import { SloProblems } from '../SloProblems';

const day = (t: number) =>
  new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
const moment = (t: number) =>
  new Date(t).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });

/** One row per hour, one column per SLO: what recharts draws. */
function rows(series: SloBudgetSeries[]) {
  const byTime = new Map<number, Record<string, number>>();
  for (const s of series) {
    for (const p of s.points) {
      const row = byTime.get(p.t) ?? { t: p.t };
      row[s.slo] = Math.round(p.remainingRatio * 10000) / 100;
      byTime.set(p.t, row);
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

/**
 * The error budget of each SLO over its window, spent hour by hour: 100% at
 * the start of the window, what is left now at the end; below 0, overspent.
 */
export function BudgetHistoryCard() {
  const { entity } = useEntity();
  const api = useApi(sloApiRef);
  const theme = useTheme();
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntityBudgetHistory(getCompoundEntityRef(entity)),
    [api, entity],
  );
  const data = useMemo(() => rows(value?.series ?? []), [value]);
  const drawn = (value?.series ?? []).filter(s => s.points.length > 0);
  const colors = chartColors(theme);

  let content;
  if (loading) content = <Progress />;
  else if (error) content = <LoadError error={error} retry={retry} />;
  else if (!value || drawn.length === 0) {
    content = (
      <>
        <SloProblems
          specProblems={value?.specProblems}
          errors={value?.errors}
        />
        <EmptyState
          missing="data"
          title="No budget history yet"
          description="Prometheus has no hourly data for these SLOs over their window yet: the chart fills in as the service serves requests."
        />
      </>
    );
  } else {
    content = (
      <>
        <SloProblems specProblems={value.specProblems} errors={value.errors} />
        <Typography variant="body2" color="textSecondary" paragraph>
          {drawn
            .map(
              s =>
                `${s.slo}: ${percent(
                  s.points[s.points.length - 1].remainingRatio,
                  1,
                )} left of its ${s.windowDays}-day budget${
                  s.weighting === 'time' ? ' (hours weighted equally)' : ''
                }`,
            )
            .join(' · ')}
        </Typography>
        <ResponsiveContainer width="100%" height={280}>
          <LineChart
            data={data}
            margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={day}
            />
            <YAxis
              unit="%"
              domain={[(min: number) => Math.min(0, Math.floor(min)), 100]}
            />
            <Tooltip
              labelFormatter={t => moment(Number(t))}
              formatter={(v: number) => `${v.toFixed(2)}%`}
            />
            <Legend />
            <ReferenceLine y={0} stroke={theme.palette.error.main} />
            {drawn.map((s, i) => (
              <Line
                key={s.slo}
                type="monotone"
                dataKey={s.slo}
                stroke={colors[i % colors.length]}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </>
    );
  }
  return <InfoCard title="Error budget over the window">{content}</InfoCard>;
}
