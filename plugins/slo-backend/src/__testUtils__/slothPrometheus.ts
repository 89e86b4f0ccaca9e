/**
 * A private Prometheus (Debian's) loaded with what production loads: the
 * rules the real `sloth generate` makes from the catalog's Sloth specs
 * (scripts/sloth-rules.cjs), over the raw SLI metrics those specs query,
 * fed at known shares for 30 days and 2 hours before an instant t0.
 *
 * Queries are made at t0, in the past, so what Prometheus would have
 * recorded up to t0 is backfilled by evaluating Sloth's own rules with
 * Prometheus' engine (scripts/prometheus-backfill-rules.cjs): the 5-minute
 * error ratio every minute over the 30 days (Sloth's 30-day ratio averages
 * it), everything else every hour up to t0 (the burn-down reads the 1-hour
 * ratio at whole hours before t0). The rules are also loaded live, as
 * production has them. No jest globals here: the benchmark can use it too.
 */
import { LocalPrometheus } from '@internal/test-services';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const CATALOG_DIR = path.join(REPO_ROOT, 'catalog');

/** Minutes of raw samples: 30 days, plus what the oldest windows reach back. */
export const MINUTES = 30 * 1440 + 120;
/** Requests a minute, in every fed series family. */
export const PER_MINUTE = 600;

/**
 * The share of bad events in the minute k minutes before t0 (k = 0 is the
 * last minute): the increment between the samples at t0 − 30 s − 60·(k+1)
 * and t0 − 30 s − 60·k.
 */
export type Share = (k: number) => number;

/** The fed shares, by service and SLO of the catalog's specs. */
export const SHARES = {
  /** svc-ledger availability (99.9%): 2% in the last hour, 0.05% the rest of the day, 0.02% before. */
  ledgerErrors: ((k: number) => {
    if (k < 60) return 0.02;
    return k < 1440 ? 0.0005 : 0.0002;
  }) as Share,
  /** svc-ledger latency-p99 (99% under 200 ms): 4% slower over the last day, 0.5% before. */
  ledgerSlow: ((k: number) => (k < 1440 ? 0.04 : 0.005)) as Share,
  /** svc-wallet availability (99.9%): 0.01% throughout. */
  walletErrors: (() => 0.0001) as Share,
  /** svc-merchant requests-availability (99.5%): 2% over the last day, 0.2% before. */
  merchantErrors: ((k: number) => (k < 1440 ? 0.02 : 0.002)) as Share,
  /** svc-merchant requests-latency (99% under 250 ms): 0.2% slower throughout. */
  merchantSlow: (() => 0.002) as Share,
};

/**
 * A Prometheus error ratio over a window of `minutes` ending at t0 − 60·j:
 * the window holds `minutes` samples, so the increments of k = j …
 * j + minutes − 2, and rate() scales errors and totals alike.
 */
export function windowRatio(share: Share, minutes: number, j = 0): number {
  let sum = 0;
  for (let k = j; k <= j + minutes - 2; k++) sum += share(k);
  return sum / (minutes - 1);
}

/**
 * Sloth's 30-day ratio at t0: sum_over_time / count_over_time of its
 * 5-minute ratio over 30 days, recorded every minute: the mean of
 * windowRatio(share, 5, j) for j = 0 … 43199.
 */
export function slothRatio30d(share: Share): number {
  let sum = 0;
  for (let j = 0; j < 30 * 1440; j++) sum += windowRatio(share, 5, j);
  return sum / (30 * 1440);
}

type Series = { name: string; labels: string; bad?: Share; good?: Share };

/** The raw series the catalog's specs of svc-ledger, svc-wallet and svc-merchant query. */
const SERIES: Series[] = [
  ...(
    ['service_name="svc-ledger"', 'service_name="svc-wallet"'] as const
  ).flatMap(svc => {
    const errors = svc.includes('ledger')
      ? SHARES.ledgerErrors
      : SHARES.walletErrors;
    return [
      {
        name: 'http_server_request_duration_seconds_count',
        labels: `${svc},http_response_status_code="200"`,
        good: errors,
      },
      {
        name: 'http_server_request_duration_seconds_count',
        labels: `${svc},http_response_status_code="503"`,
        bad: errors,
      },
    ];
  }),
  {
    name: 'http_server_request_duration_seconds_bucket',
    labels: 'service_name="svc-ledger",le="0.2"',
    good: SHARES.ledgerSlow,
  },
  {
    name: 'http_server_request_duration_seconds_bucket',
    labels: 'service_name="svc-ledger",le="+Inf"',
  },
  {
    name: 'http_server_request_duration_seconds_count',
    labels: 'service="svc-merchant",http_response_status_code="200"',
    good: SHARES.merchantErrors,
  },
  {
    name: 'http_server_request_duration_seconds_count',
    labels: 'service="svc-merchant",http_response_status_code="500"',
    bad: SHARES.merchantErrors,
  },
  {
    name: 'http_server_request_duration_seconds_bucket',
    labels: 'service="svc-merchant",le="0.25"',
    good: SHARES.merchantSlow,
  },
];

/** The raw counters, one sample a minute at t0 − 30 s − 60·k, as OpenMetrics. */
export function rawSeries(t0: number): string {
  const lines: string[] = [];
  const families = [...new Set(SERIES.map(s => s.name))];
  for (const family of families) {
    lines.push(`# TYPE ${family} unknown`);
    for (const s of SERIES.filter(x => x.name === family)) {
      let value = 1e6;
      for (let k = MINUTES - 1; k >= 0; k--) {
        let share = 1;
        if (s.bad) share = s.bad(k);
        else if (s.good) share = 1 - s.good(k);
        value += PER_MINUTE * share;
        lines.push(`${family}{${s.labels}} ${value} ${t0 - 30 - 60 * k}`);
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function run(args: string[], what: string) {
  const result = spawnSync(process.execPath, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`${what} failed: ${result.stderr || result.stdout}`);
  }
  return result;
}

export type SlothRulesIndex = {
  sloth: string;
  specs: {
    spec: string;
    service: string;
    slos: string[];
    entities: string[];
    rules: string;
  }[];
};

/**
 * The rule files `sloth generate` makes from the catalog's specs (or the
 * given ones), checked with promtool, in `outDir`.
 */
export function generateSlothRules(
  outDir: string,
  options: { specs?: string[]; template?: boolean } = {},
): SlothRulesIndex {
  run(
    [
      path.join(REPO_ROOT, 'scripts/sloth-rules.cjs'),
      '--out',
      outDir,
      ...(options.template ? [] : ['--no-template']),
      ...(options.specs ?? []).flatMap(s => ['--spec', s]),
    ],
    'scripts/sloth-rules.cjs',
  );
  return JSON.parse(fs.readFileSync(path.join(outDir, 'index.json'), 'utf8'));
}

/** The recordings the portal reads, besides the 5-minute ratio. */
const HOURLY = [
  'slo:sli_error:ratio_rate1h',
  'slo:sli_error:ratio_rate30m',
  'slo:sli_error:ratio_rate2h',
  'slo:sli_error:ratio_rate6h',
  'slo:sli_error:ratio_rate1d',
  'slo:sli_error:ratio_rate3d',
  'slo:sli_error:ratio_rate30d',
  'slo:objective:ratio',
];

/**
 * Generates Sloth's rules from the catalog, backfills the raw series and
 * Sloth's recordings up to t0 into `<dir>/data`, and returns a Prometheus
 * (not started) that loads those rules.
 */
export function prepareSlothPrometheus(options: {
  dir: string;
  port: number;
  t0: number;
  args?: string[];
}): { prometheus: LocalPrometheus; rules: SlothRulesIndex } {
  const { dir, port, t0 } = options;
  const rulesDir = path.join(dir, 'rules');
  const rules = generateSlothRules(rulesDir);
  const files = rules.specs.map(s => path.join(rulesDir, s.rules));
  fs.writeFileSync(path.join(dir, 'series.om'), rawSeries(t0));
  const backfill = path.join(
    REPO_ROOT,
    'scripts/prometheus-backfill-rules.cjs',
  );
  const common = [
    '--data',
    path.join(dir, 'data'),
    ...files.flatMap(f => ['--rules', f]),
  ];
  // Every minute over the 30 days (t0 − 30 d itself left out: the 30-day
  // range of sum_over_time includes both ends).
  run(
    [
      backfill,
      ...common,
      '--openmetrics',
      path.join(dir, 'series.om'),
      '--record',
      'slo:sli_error:ratio_rate5m',
      '--start',
      String(t0 - 30 * 86400 + 60),
      '--end',
      String(t0),
      '--step',
      '60',
    ],
    'backfilling the 5m ratios',
  );
  // The 30-day ratio reads the 5-minute one, backfilled above: one pass.
  run(
    [
      backfill,
      ...common,
      ...HOURLY.flatMap(r => ['--record', r]),
      '--start',
      String(t0 - 30 * 86400 + 3600),
      '--end',
      String(t0),
      '--step',
      '3600',
    ],
    "backfilling Sloth's other recordings",
  );
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `rule_files: [${JSON.stringify(path.join(rulesDir, '*.yml'))}]\n`,
  );
  return {
    rules,
    prometheus: new LocalPrometheus({
      dir,
      port,
      // Backfilled 30 days back: keep them past the default retention check.
      args: ['--storage.tsdb.retention.time=90d', ...(options.args ?? [])],
    }),
  };
}
