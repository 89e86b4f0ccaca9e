#!/usr/bin/env node
/* Backfills recording rules into a Prometheus data folder: what they would
 * have recorded over a past range, had Prometheus been evaluating them.
 * Like `promtool tsdb create-blocks-from rules`, with Prometheus' own PromQL
 * engine doing the evaluation, but written as one block per run instead of
 * one per rule and 2 hours (promtool's takes minutes and thousands of
 * blocks for 30 days of Sloth's rules).
 *
 *   node scripts/prometheus-backfill-rules.cjs --data DIR --rules FILE [--rules FILE ...]
 *        --start UNIX --end UNIX --step SECONDS [--record NAME ...] [--openmetrics FILE ...]
 *        [--url PROMETHEUS]
 *
 *  --openmetrics  raw series to import first (promtool tsdb create-blocks-from
 *                 openmetrics), e.g. the counters the rules read
 *  --record       only these recording rules (by record name; default all)
 *  --url          evaluate them on this running Prometheus instead, and only
 *                 write the block into DIR (then move it into that
 *                 Prometheus' data folder: it loads new blocks within a
 *                 minute); rules that read each other are refused here
 *
 * Rules are evaluated at start, start+step, … up to end, each through range
 * queries to a private Prometheus started on DIR on a free loopback port
 * (no rules of its own), and stopped at the end. A rule that reads another
 * rule being backfilled is evaluated in a later pass, once the first one's
 * block is in (Sloth's 30-day ratio averages its 5-minute one). Labels are
 * those Prometheus records: the expression's, then the rule's, then the
 * record name. DIR must not be in use by another Prometheus.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');

/** Points per range query: Prometheus refuses more than 11,000. */
const MAX_POINTS = 10_000;

function parseArgs(argv) {
  const args = { rules: [], records: [], openmetrics: [] };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline;
    if (/^--[a-z-]+=/.test(a))
      [a, inline] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--data') args.data = path.resolve(value());
    else if (a === '--rules') args.rules.push(path.resolve(value()));
    else if (a === '--record') args.records.push(value());
    else if (a === '--openmetrics')
      args.openmetrics.push(path.resolve(value()));
    else if (a === '--url') args.url = value().replace(/\/+$/, '');
    else if (a === '--start') args.start = Number(value());
    else if (a === '--end') args.end = Number(value());
    else if (a === '--step') args.step = Number(value());
    else if (a === '--help' || a === '-h') {
      console.log(fs.readFileSync(__filename, 'utf8').split('*/')[0]);
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (see --help)`);
  }
  if (!args.data) throw new Error('--data is required');
  if (args.rules.length) {
    for (const k of ['start', 'end', 'step']) {
      if (!Number.isFinite(args[k]))
        throw new Error(`--${k} must be a number (unix seconds)`);
    }
    if (args.step <= 0 || args.end < args.start)
      throw new Error('need --start <= --end and --step > 0');
  }
  return args;
}

/** The recording rules of the files, with their group's name. */
function recordingRules(files, only) {
  const rules = [];
  for (const file of files) {
    const doc = YAML.parse(fs.readFileSync(file, 'utf8')) ?? {};
    for (const group of doc.groups ?? []) {
      for (const rule of group.rules ?? []) {
        if (!rule.record) continue;
        if (only.length && !only.includes(rule.record)) continue;
        rules.push({
          record: rule.record,
          expr: String(rule.expr),
          labels: rule.labels ?? {},
          group: group.name,
        });
      }
    }
  }
  return rules;
}

/** Passes such that a rule comes after the backfilled rules it reads. */
function passes(rules) {
  const names = new Set(rules.map(r => r.record));
  const reads = r =>
    [...names].filter(
      n =>
        n !== r.record &&
        new RegExp(
          `(^|[^a-zA-Z0-9_:])${n.replace(
            /[.*+?^${}()|[\]\\]/g,
            '\\$&',
          )}($|[^a-zA-Z0-9_:])`,
        ).test(r.expr),
    );
  const done = new Set();
  const result = [];
  let left = rules;
  while (left.length) {
    const ready = left.filter(r => reads(r).every(n => done.has(n)));
    if (!ready.length)
      throw new Error(
        `recording rules read each other in a cycle: ${left
          .map(r => r.record)
          .join(', ')}`,
      );
    result.push(ready);
    // A name is done once every rule recording it is.
    left = left.filter(r => !ready.includes(r));
    for (const r of ready)
      if (!left.some(l => l.record === r.record)) done.add(r.record);
  }
  return result;
}

async function freePort() {
  const server = net.createServer();
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** A private Prometheus on the data folder, without rules. */
async function startPrometheus(data, config) {
  const port = await freePort();
  const child = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Retention counts from the newest block: keep everything.
      '--storage.tsdb.retention.time=3650d',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', d => {
    stderr = (stderr + d).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `prometheus exited: ${stderr.trim().split('\n').slice(-3).join(' ')}`,
      );
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('prometheus not ready in 30 s');
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function queryRange(url, expr, start, end, step) {
  const res = await fetch(`${url}/api/v1/query_range`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      query: expr,
      start: String(start),
      end: String(end),
      step: String(step),
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (body.status !== 'success')
    throw new Error(`query refused: ${body.error ?? res.status}: ${expr}`);
  return body.data.result;
}

const escapeLabel = v =>
  String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Evaluates the rules over the range and returns their samples, as OpenMetrics lines per family. */
async function evaluate(url, rules, { start, end, step }) {
  const families = new Map();
  const times = [];
  for (let t = start; t <= end; t += step * MAX_POINTS) {
    times.push([t, Math.min(end, t + step * (MAX_POINTS - 1))]);
  }
  const jobs = rules.flatMap(rule =>
    times.map(([from, to]) => ({ rule, from, to })),
  );
  let samples = 0;
  await pool(jobs, 4, async ({ rule, from, to }) => {
    for (const series of await queryRange(url, rule.expr, from, to, step)) {
      const labels = { ...series.metric, ...rule.labels };
      delete labels.__name__;
      const name = rule.record;
      const selector = Object.keys(labels)
        .sort()
        .map(k => `${k}="${escapeLabel(labels[k])}"`)
        .join(',');
      const key = `${name}{${selector}}`;
      const family = families.get(name) ?? new Map();
      families.set(name, family);
      const lines = family.get(key) ?? [];
      family.set(key, lines);
      for (const [t, v] of series.values) lines.push([t, `${key} ${v} ${t}`]);
      samples += series.values.length;
    }
  });
  const out = [];
  for (const [name, family] of families) {
    out.push(`# TYPE ${name} unknown`);
    for (const lines of family.values()) {
      lines.sort((a, b) => a[0] - b[0]);
      out.push(...lines.map(l => l[1]));
    }
  }
  return {
    lines: out,
    samples,
    series: [...families.values()].reduce((n, f) => n + f.size, 0),
  };
}

function importOpenMetrics(file, data) {
  try {
    execFileSync(
      'promtool',
      [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        '--max-block-duration=1000h',
        file,
        data,
      ],
      {
        stdio: 'pipe',
        encoding: 'utf8',
      },
    );
  } catch (e) {
    throw new Error(
      `promtool could not import ${file}: ${String(
        e.stderr || e.message,
      ).trim()}`,
    );
  }
}

async function pool(items, size, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, worker),
  );
}

const started = Date.now();
/** Phase timings on stderr with BACKFILL_DEBUG=1. */
const debug = what => {
  if (process.env.BACKFILL_DEBUG)
    console.error(`  ${((Date.now() - started) / 1000).toFixed(2)} s ${what}`);
};

async function main() {
  const args = parseArgs(process.argv.slice(2));
  fs.mkdirSync(args.data, { recursive: true });
  for (const file of args.openmetrics) importOpenMetrics(file, args.data);
  debug('raw series imported');
  const rules = recordingRules(args.rules, args.records);
  if (!rules.length) {
    if (args.rules.length)
      console.error('prometheus-backfill-rules: no recording rule matched');
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'backfill-rules-'));
  const config = path.join(tmp, 'prometheus.yml');
  fs.writeFileSync(config, 'global: {}\n');
  let total = { samples: 0, series: 0 };
  const order = passes(rules);
  if (args.url && order.length > 1) {
    throw new Error(
      `with --url, backfill rules that read each other in separate runs: ${order[1]
        .map(r => r.record)
        .join(', ')} read${order[1].length === 1 ? 's' : ''} others`,
    );
  }
  try {
    for (const pass of order) {
      const prometheus = args.url
        ? { url: args.url, stop: async () => {} }
        : await startPrometheus(args.data, config);
      debug('prometheus ready');
      let result;
      try {
        result = await evaluate(prometheus.url, pass, args);
        debug(`${pass.length} rules evaluated`);
      } finally {
        await prometheus.stop();
        debug('prometheus stopped');
      }
      if (!result.lines.length) continue;
      const file = path.join(tmp, 'rules.om');
      fs.writeFileSync(file, `${result.lines.join('\n')}\n# EOF\n`);
      importOpenMetrics(file, args.data);
      debug('imported');
      total = {
        samples: total.samples + result.samples,
        series: total.series + result.series,
      };
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(
    `prometheus-backfill-rules: ${rules.length} rules, ${total.series} series, ${total.samples} samples` +
      ` from ${new Date(args.start * 1000).toISOString()} every ${
        args.step
      } s in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch(e => {
  console.error(`prometheus-backfill-rules: ${e.message}`);
  process.exit(1);
});
