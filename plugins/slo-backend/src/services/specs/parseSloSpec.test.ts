import fs from 'node:fs';
import path from 'node:path';
import { parseSloSpec } from './parseSloSpec';
import { SloSpecError, withWindow } from './SloSpec';

const FILE = 'slo/sloth.yaml';
const ERR = 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))';
const TOTAL = 'sum(rate(http_requests_total[{{.window}}]))';

const slothV1 = (slos: string) => `
apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: svc-ledger
spec:
  service: svc-ledger
  slos:
${slos}`;

const availability = `
    - name: availability
      objective: 99.9
      description: No 5xx.
      sli:
        events:
          errorQuery: '${ERR}'
          totalQuery: '${TOTAL}'
`;

function failure(text: string, file = FILE): string {
  try {
    parseSloSpec(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(SloSpecError);
    return (error as Error).message;
  }
  throw new Error('the spec was accepted');
}

describe('parseSloSpec: Sloth sloth.slok.dev/v1', () => {
  it('reads objectives, names, descriptions and SLI queries', () => {
    const spec = parseSloSpec(
      slothV1(`${availability}
    - name: latency
      objective: 99
      sli:
        raw:
          errorRatioQuery: 'slow:ratio_rate{{ .window }}'
`),
      FILE,
    );
    expect(spec.format).toBe('sloth.slok.dev/v1');
    expect(spec.slos).toEqual([
      {
        service: 'svc-ledger',
        slo: 'availability',
        objective: 0.999,
        description: 'No 5xx.',
        sli: { type: 'events', errorQuery: ERR, totalQuery: TOTAL },
        field: 'spec.slos[0].sli',
      },
      {
        service: 'svc-ledger',
        slo: 'latency',
        objective: 0.99,
        description: undefined,
        sli: { type: 'ratio', errorRatioQuery: 'slow:ratio_rate{{ .window }}' },
        field: 'spec.slos[1].sli',
      },
    ]);
    expect(withWindow(ERR, '5m')).toBe(
      'sum(rate(http_requests_total{code=~"5.."}[5m]))',
    );
    expect(withWindow('slow:ratio_rate{{ .window }}', '30d')).toBe(
      'slow:ratio_rate30d',
    );
  });

  it.each([
    [
      'an objective out of range',
      availability.replace('99.9', '100'),
      `${FILE}: spec.slos[0].objective: expected a number between 0 and 100`,
    ],
    [
      'an objective that is not a number',
      availability.replace('99.9', 'high'),
      `${FILE}: spec.slos[0].objective: expected a number between 0 and 100`,
    ],
    [
      'a query without the window',
      availability.replace('[{{.window}}]))', '[5m]))'),
      `${FILE}: spec.slos[0].sli.events.errorQuery: must contain {{.window}} where the window goes`,
    ],
    [
      'a missing total query',
      availability.replace(/\n\s*totalQuery: .*\n/, '\n'),
      `${FILE}: spec.slos[0].sli.events.totalQuery: missing (expected a PromQL query)`,
    ],
    [
      'an SLI plugin',
      availability.replace(
        /events:[\s\S]*$/,
        'plugin:\n          id: sloth-common/kubernetes/apiserver/availability\n',
      ),
      `${FILE}: spec.slos[0].sli.plugin: Sloth SLI plugins are not supported: use events or raw`,
    ],
    [
      'both events and raw',
      `${availability}        raw:\n          errorRatioQuery: 'x{{.window}}'\n`,
      `${FILE}: spec.slos[0].sli: expected exactly one of events or raw`,
    ],
    [
      'an SLO name that is not a name',
      availability.replace('name: availability', 'name: "99.9% up!"'),
      `${FILE}: spec.slos[0].name: expected a name of letters, digits, ".", "-", "_"`,
    ],
  ])('names the field of %s', (_, slos, message) => {
    expect(failure(slothV1(slos))).toBe(message);
  });

  it.each([
    [
      'closes the wrapper it is evaluated in',
      'x[{{.window}}])) or label_replace(vector(1), "slo_part", "0:5m", "", "") or ((x',
      'has an unbalanced ")"',
    ],
    [
      'leaves a bracket open',
      'sum(rate(x[{{.window}}])',
      'has an unclosed "("',
    ],
    [
      'hides the rest behind a comment',
      `${ERR} # )`,
      'must not contain a comment (#)',
    ],
    [
      'leaves a string open',
      'sum(rate(x{a="b}[{{.window}}]))',
      'has a string that is not closed',
    ],
  ])('refuses a query that %s', (_, errorQuery, message) => {
    expect(
      failure(
        slothV1(availability.replace(`'${ERR}'`, JSON.stringify(errorQuery))),
      ),
    ).toBe(`${FILE}: spec.slos[0].sli.events.errorQuery: ${message}`);
  });

  it('accepts brackets and # inside strings', () => {
    const q = "sum(rate(x{path=~\"/a(b|c)#[0-9]+\", q='{\\'}'}[{{.window}}]))";
    const spec = parseSloSpec(
      slothV1(availability.replace(`'${ERR}'`, JSON.stringify(q))),
      FILE,
    );
    expect(spec.slos[0].sli).toMatchObject({ errorQuery: q });
  });

  it('refuses two SLOs of the same name', () => {
    expect(failure(slothV1(`${availability}${availability}`))).toBe(
      `${FILE}: spec.slos[1].name: duplicate SLO svc-ledger/availability`,
    );
  });

  it('refuses another kind, an empty list, and no service', () => {
    expect(
      failure(slothV1(availability).replace('PrometheusServiceLevel', 'SLO')),
    ).toBe(`${FILE}: kind: expected PrometheusServiceLevel`);
    expect(failure(slothV1('    []'))).toBe(
      `${FILE}: spec.slos: expected at least one SLO`,
    );
    expect(
      failure(slothV1(availability).replace('  service: svc-ledger\n', '')),
    ).toBe(`${FILE}: spec.service: missing (expected a name)`);
  });
});

describe('parseSloSpec: Sloth prometheus/v1', () => {
  const v0 = `
version: "prometheus/v1"
service: "svc-wallet"
labels: { owner: product-team }
slos:
  - name: "requests-availability"
    objective: 99.5
    description: "Wallet requests."
    sli:
      events:
        error_query: '${ERR}'
        total_query: '${TOTAL}'
    alerting: { name: WalletAvailability }
`;
  it('reads the older format with its snake_case keys', () => {
    const spec = parseSloSpec(v0, FILE);
    expect(spec.format).toBe('prometheus/v1');
    expect(spec.slos[0]).toMatchObject({
      service: 'svc-wallet',
      slo: 'requests-availability',
      objective: 0.995,
      description: 'Wallet requests.',
      sli: { type: 'events', errorQuery: ERR, totalQuery: TOTAL },
      field: 'slos[0].sli',
    });
  });

  it('names the field in that format too', () => {
    expect(failure(v0.replace('error_query', 'errorQuery'))).toBe(
      `${FILE}: slos[0].sli.events.error_query: missing (expected a PromQL query)`,
    );
  });
});

describe('parseSloSpec: OpenSLO v1', () => {
  const openSlo = (indicator: string, objectives: string, extra = '') => `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: ledger-availability
  displayName: Ledger availability
spec:
  service: svc-ledger
  description: Earn and burn without errors.
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 4w
      isRolling: true
${indicator}
  objectives:
${objectives}
${extra}`;
  const ratioIndicator = `
  indicator:
    metadata: { name: ledger-requests }
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="svc-ledger",code!~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="svc-ledger"}`;

  it('turns a good/total ratio of counters into rates over the window', () => {
    const spec = parseSloSpec(
      openSlo(ratioIndicator, '    - target: 0.999'),
      FILE,
    );
    expect(spec.format).toBe('openslo/v1');
    const total =
      'sum(rate(http_requests_total{service="svc-ledger"}[{{.window}}]))';
    expect(spec.slos).toEqual([
      {
        service: 'svc-ledger',
        slo: 'ledger-availability',
        objective: 0.999,
        description: 'Earn and burn without errors.',
        windowDays: 28,
        sli: {
          type: 'events',
          errorQuery: `(${total}) - (sum(rate(http_requests_total{service="svc-ledger",code!~"5.."}[{{.window}}])))`,
          totalQuery: total,
        },
        field: 'spec.indicator.spec',
      },
    ]);
  });

  it('turns a latency threshold on histogram buckets into bad = total - bucket{le}', () => {
    const spec = parseSloSpec(
      openSlo(
        `
  indicatorRef: ledger-latency`,
        `    - displayName: p99
      op: lte
      value: 0.2
      targetPercent: 99
    - displayName: p999
      op: lt
      value: 1
      target: 0.999`,
        `---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: ledger-latency
spec:
  thresholdMetric:
    metricSource:
      type: prometheus
      spec:
        query: http_request_duration_seconds_bucket{service="svc-ledger"}
`,
      ),
      FILE,
    );
    const bucket = (le: string) =>
      `sum(rate(http_request_duration_seconds_bucket{service="svc-ledger",${le}}[{{.window}}]))`;
    expect(spec.slos.map(s => [s.slo, s.objective, s.sli])).toEqual([
      [
        'ledger-availability-p99',
        0.99,
        {
          type: 'events',
          errorQuery: `(${bucket('le="+Inf"')}) - (${bucket('le="0.2"')})`,
          totalQuery: bucket('le="+Inf"'),
        },
      ],
      [
        'ledger-availability-p999',
        0.999,
        {
          type: 'events',
          // Clients write the bound 1 as "1" (Go) or "1.0" (Python).
          errorQuery: `(${bucket('le="+Inf"')}) - (${bucket(
            'le=~"1|1\\\\.0"',
          )})`,
          totalQuery: bucket('le="+Inf"'),
        },
      ],
    ]);
  });

  it('reads a raw ratio of successes', () => {
    const spec = parseSloSpec(
      openSlo(
        `
  indicator:
    spec:
      ratioMetric:
        counter: false
        rawType: success
        raw:
          metricSource:
            type: Prometheus
            spec:
              query: 'avg_over_time(ledger:success:ratio[{{.window}}])'`,
        '    - target: 0.99',
      ),
      FILE,
    );
    expect(spec.slos[0].sli).toEqual({
      type: 'ratio',
      errorRatioQuery: '1 - (avg_over_time(ledger:success:ratio[{{.window}}]))',
    });
  });

  it.each([
    [
      'a target out of range',
      openSlo(ratioIndicator, '    - target: 99.9'),
      `${FILE}: spec.objectives[0].target: expected a number between 0 and 1`,
    ],
    [
      'no target at all',
      openSlo(ratioIndicator, '    - displayName: x'),
      `${FILE}: spec.objectives[0]: expected a target (0-1) or a targetPercent (0-100)`,
    ],
    [
      'a data source other than Prometheus',
      openSlo(
        ratioIndicator.replace(/Prometheus/g, 'Datadog'),
        '    - target: 0.9',
      ),
      `${FILE}: spec.indicator.spec.ratioMetric.good.metricSource.type: only Prometheus is supported`,
    ],
    [
      'a query that is neither a selector nor windowed',
      openSlo(
        ratioIndicator.replace(
          'http_requests_total{service="svc-ledger"}',
          'sum(http_requests_total)',
        ),
        '    - target: 0.9',
      ),
      `${FILE}: spec.indicator.spec.ratioMetric.total.metricSource.spec.query: expected a metric selector, e.g. http_requests_total{code="500"}, or a query with {{.window}}`,
    ],
    [
      'timeslices',
      openSlo(ratioIndicator, '    - target: 0.9').replace(
        'Occurrences',
        'Timeslices',
      ),
      `${FILE}: spec.budgetingMethod: only Occurrences is supported`,
    ],
    [
      'a calendar window',
      openSlo(ratioIndicator, '    - target: 0.9').replace(
        'isRolling: true',
        'isRolling: false',
      ),
      `${FILE}: spec.timeWindow[0].isRolling: only rolling windows are supported`,
    ],
    [
      'an unknown indicatorRef',
      openSlo('  indicatorRef: nowhere', '    - target: 0.9'),
      `${FILE}: spec.indicatorRef: no SLI named nowhere in this file`,
    ],
  ])('names the field of %s', (_, text, message) => {
    expect(failure(text)).toBe(message);
  });

  it('numbers the document when the file holds several', () => {
    const text = `${openSlo(ratioIndicator, '    - target: 0.9')}---
apiVersion: openslo/v1
kind: SLO
metadata: { name: second }
spec:
  service: svc-ledger
  budgetingMethod: Occurrences
  indicatorRef: x
  objectives:
    - targetPercent: 120
`;
    expect(failure(text)).toBe(
      `${FILE}: document 2: spec.objectives[0].targetPercent: expected a number between 0 and 100`,
    );
  });
});

describe('parseSloSpec: what is not a spec', () => {
  it.each([
    [
      'broken YAML',
      'spec: [1\nslos: 2\n',
      /^slo\/sloth\.yaml: YAML: .*line 2, column 1/,
    ],
    ['an empty file', '\n# nothing\n', /^slo\/sloth\.yaml: the file is empty$/],
    [
      'another format',
      'apiVersion: v1\nkind: ConfigMap\n',
      /^slo\/sloth\.yaml: apiVersion: expected apiVersion sloth\.slok\.dev\/v1 or openslo\/v1, or version prometheus\/v1$/,
    ],
    ['a list', '- 1\n- 2\n', /^slo\/sloth\.yaml: apiVersion: expected/],
  ])('refuses %s', (_, text, message) => {
    expect(failure(text)).toMatch(message);
  });
});

describe('the Local-Plus catalog', () => {
  const catalog = path.resolve(__dirname, '../../../../../catalog');
  const read = (file: string) =>
    parseSloSpec(fs.readFileSync(path.join(catalog, file), 'utf8'), file);

  it("declares the seed's objectives", () => {
    const objectives = [
      'services/svc-ledger/slo/sloth.yaml',
      'services/svc-wallet/slo/sloth.yaml',
      'platform/platform-gitops/slo/sloth.yaml',
      'platform/platform-observability/slo/sloth.yaml',
    ].flatMap(f => read(f).slos.map(s => [s.service, s.slo, s.objective]));
    expect(objectives).toEqual([
      ['svc-ledger', 'availability', 0.999],
      ['svc-ledger', 'latency-p99', 0.99],
      ['svc-wallet', 'availability', 0.999],
      ['platform-gitops', 'availability', 0.995],
      ['platform-observability', 'availability', 0.995],
    ]);
    // p99 < 200 ms: the bad requests are those above the 0.2 s bucket.
    const latency = read('services/svc-ledger/slo/sloth.yaml').slos[1].sli;
    expect(latency.type === 'events' && latency.errorQuery).toContain(
      'le="0.2"',
    );
  });

  it('points each entity at its spec', () => {
    const components = fs.readFileSync(
      path.join(catalog, 'components.yaml'),
      'utf8',
    );
    for (const f of [
      'services/svc-ledger/slo/sloth.yaml',
      'services/svc-wallet/slo/sloth.yaml',
      'platform/platform-gitops/slo/sloth.yaml',
      'platform/platform-observability/slo/sloth.yaml',
    ]) {
      expect(components).toContain(`local-plus.io/slo-spec: ./${f}`);
    }
  });
});
