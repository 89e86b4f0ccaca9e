#!/usr/bin/env node
/* What failed in a Playwright run, in a few lines per test, from its JSON
 * report: `make test` prints it last when a journey fails, so the end of a
 * CI log says which assertion failed and why without the HTML report.
 *
 *   node scripts/playwright-failures.cjs <report.json> [<more lines file> ...]
 *
 * Each further file (a dev-services log, say) adds its lines that start
 * with "dev-services:" (what started, what failed) and the services' own
 * complaints (a port taken, a service that did not become ready).
 */
const fs = require('node:fs');

const ANSI = /\u001b\[[0-9;]*m/g;
const MAX_LINES = 8;

function* specsOf(suite, titles = []) {
  const here = suite.title ? [...titles, suite.title] : titles;
  for (const spec of suite.specs ?? []) yield { spec, titles: here };
  for (const child of suite.suites ?? []) yield* specsOf(child, here);
}

function errorLines(result) {
  const errors = result.errors?.length ? result.errors : [result.error];
  return errors
    .filter(Boolean)
    .flatMap(e =>
      String(e.message ?? e.value ?? '')
        .replace(ANSI, '')
        .split('\n'),
    )
    .map(line => line.trimEnd())
    .filter(line => line.trim() !== '')
    .slice(0, MAX_LINES);
}

function main([reportFile, ...logs]) {
  if (!reportFile || !fs.existsSync(reportFile)) {
    console.log(
      `playwright-failures: no report at ${reportFile ?? '(none given)'}`,
    );
    return;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  let failed = 0;
  let notRun = 0;
  for (const suite of report.suites ?? []) {
    for (const { spec, titles } of specsOf(suite)) {
      for (const test of spec.tests ?? []) {
        const last = test.results?.[test.results.length - 1];
        if (!last || last.status === 'skipped') notRun += 1;
        if (!last || ['passed', 'skipped'].includes(last.status)) continue;
        failed += 1;
        const where = spec.file ? `${spec.file}:${spec.line}` : '';
        console.log(
          `✘ ${[...titles.slice(1), spec.title].join(' › ')} (${where}, ${
            last.status
          }, ${Math.round((last.duration ?? 0) / 1000)} s)`,
        );
        for (const line of errorLines(last)) console.log(`    ${line}`);
      }
    }
  }
  console.log(
    `playwright-failures: ${failed} failed, ${notRun} did not run (${reportFile})`,
  );
  for (const log of logs) {
    if (!fs.existsSync(log)) continue;
    const lines = fs
      .readFileSync(log, 'utf8')
      .split('\n')
      .filter(
        line =>
          line.startsWith('dev-services:') ||
          /^services: .*(cannot|did not|failed)/.test(line),
      );
    if (lines.length)
      console.log(`${log}:\n${lines.map(l => `    ${l}`).join('\n')}`);
  }
}

main(process.argv.slice(2));
