import { LevelOrNone, TrendPoint } from '@internal/plugin-scorecards-common';
import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { absolute, day, levelLabel, plural } from '../format';

/**
 * A line per level, highest first as the legend reads. Dark strokes (each
 * over 3:1 on white, as graphics need); "None" is dashed as well, so the
 * lines differ by more than their colour.
 */
export const SERIES: { level: LevelOrNone; color: string; dash?: string }[] = [
  { level: 'gold', color: '#9A7400' },
  { level: 'silver', color: '#546E7A' },
  { level: 'bronze', color: '#8D5524' },
  { level: 'none', color: '#616161', dash: '6 4' },
];

/**
 * "Since 1 May 2025 (30 collections): Gold 1 → 2, Silver 1 → 2, …": what
 * the chart shows, in words, for those who do not see it.
 */
export function summarize(points: TrendPoint[], days: number) {
  if (points.length === 0) return `No collection in the last ${days} days.`;
  const first = points[0];
  const last = points[points.length - 1];
  const count = (p: TrendPoint, l: LevelOrNone) => p.levels[l] ?? 0;
  if (points.length === 1) {
    return `One collection, on ${day(first.at)}: ${SERIES.map(
      s => `${levelLabel(s.level)} ${count(first, s.level)}`,
    ).join(', ')}.`;
  }
  return `Since ${day(first.at)} (${plural(
    points.length,
    'collection',
  )}): ${SERIES.map(
    s =>
      `${levelLabel(s.level)} ${count(first, s.level)} → ${count(
        last,
        s.level,
      )}`,
  ).join(', ')}.`;
}

/** How many services were at each level, collection by collection. */
export function LevelTrend(props: { points: TrendPoint[]; days: number }) {
  const { points, days } = props;
  const theme = useTheme();
  const data = useMemo(
    () =>
      points.map(p => ({
        t: Date.parse(p.at),
        ...Object.fromEntries(
          SERIES.map(s => [s.level, p.levels[s.level] ?? 0]),
        ),
      })),
    [points],
  );
  const tick = { fill: theme.palette.text.primary, fontSize: 12 };
  return (
    <>
      <Typography variant="body2" paragraph id="scorecards-trend-summary">
        {summarize(points, days)}
      </Typography>
      {points.length > 0 && (
        <div
          role="img"
          aria-label={`Chart of the number of services at each level per collection, last ${days} days`}
          aria-describedby="scorecards-trend-summary"
        >
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
                tickFormatter={t => day(t)}
                tick={tick}
              />
              <YAxis allowDecimals={false} tick={tick} />
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
                <Line
                  key={s.level}
                  type="monotone"
                  dataKey={s.level}
                  name={levelLabel(s.level)}
                  stroke={s.color}
                  strokeWidth={2}
                  strokeDasharray={s.dash}
                  dot={points.length <= 31}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </>
  );
}
