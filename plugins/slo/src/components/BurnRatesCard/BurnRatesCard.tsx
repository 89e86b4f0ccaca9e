import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import { BURN_WINDOWS } from '@internal/plugin-slo-common';
import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { SloWithEntity } from '../../api/SloClient';
import { chartColors } from '../chartColors';
import { burn } from '../format';

const columns: TableColumn<SloWithEntity>[] = [
  { title: 'SLO', field: 'slo' },
  ...BURN_WINDOWS.map(w => ({
    title: `Burn ${w}`,
    render: (s: SloWithEntity) => burn(s.burnRates[w]),
  })),
];

// The SRE Workbook's thresholds: 14.4x and 6x page, 3x and 1x open a ticket.
const THRESHOLDS = [
  { y: 14.4, label: 'page 14.4× (1h & 5m)' },
  { y: 6, label: 'page 6× (6h & 30m)' },
  { y: 3, label: 'ticket 3× (1d & 2h)' },
  { y: 1, label: 'ticket 1× (3d & 6h)' },
];

/** Burn rate of each SLO per window, as bars against the alert thresholds. */
export function BurnRatesCard(props: { slos: SloWithEntity[] }) {
  const theme = useTheme();
  const colors = chartColors(theme);
  const withData = props.slos.filter(s => Object.keys(s.burnRates).length > 0);
  const data = BURN_WINDOWS.map(w => ({
    window: w,
    ...Object.fromEntries(withData.map(s => [s.slo, s.burnRates[w] ?? 0])),
  }));
  return (
    <InfoCard title="Error budget burn rate per window (1× spends exactly the budget)">
      {withData.length > 0 && (
        <ResponsiveContainer width="100%" height={260}>
          <BarChart
            data={data}
            margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="window" />
            <YAxis unit="×" />
            <Tooltip formatter={(v: number) => `${v.toFixed(2)}×`} />
            <Legend />
            {THRESHOLDS.map(t => (
              <ReferenceLine
                key={t.y}
                y={t.y}
                stroke={theme.palette.text.secondary}
                strokeDasharray="4 4"
                label={{
                  value: t.label,
                  position: 'insideTopRight',
                  fontSize: 11,
                }}
              />
            ))}
            {withData.map((s, i) => (
              <Bar
                key={s.slo}
                dataKey={s.slo}
                fill={colors[i % colors.length]}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
      <Table
        columns={columns}
        data={props.slos}
        options={{
          // No drag-to-reorder: its handle is a focusable element nested in
          // each header's sort button (axe: nested-interactive).
          draggable: false,
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
      />
    </InfoCard>
  );
}
