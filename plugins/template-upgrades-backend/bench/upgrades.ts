/*
 * Benchmark of the template upgrades:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs plugins/template-upgrades-backend/bench/upgrades.ts
 *   (bash scripts/bench.sh runs it; make test in short mode)
 *
 * 1. Drift of 200 generated services (the Template upgrades page): the
 *    service's answer beside the catalog query it makes (in memory here),
 *    so the figure is the drift's own work.
 * 2. One upgrade proposal of a generated TypeScript service: two releases
 *    rendered with fetch:template, the repository read from git, the
 *    three-way merge and the diffs; beside it, one render alone.
 * The releases are the golden path as it is (FROM) and a next release made
 * here (TO: a manifest and a source file changed), in a private git
 * history. Figures, not a pass/fail test. BENCH_SHORT=1: 20 services,
 * 2 runs (make test: fails on any error).
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import YAML from 'yaml';
import { ReleaseRenderer } from '../src/services/ReleaseRenderer';
import { ServiceRepositories } from '../src/services/ServiceRepositories';
import { TemplateReleases } from '../src/services/TemplateReleases';
import { UpgradeService } from '../src/services/UpgradeService';

const SHORT = Boolean(process.env.BENCH_SHORT);
const SERVICES = Number(
  process.env.BENCH_UPGRADE_SERVICES ?? (SHORT ? 20 : 200),
);
const RUNS = SHORT ? 2 : 10;
const repoRoot = path.resolve(__dirname, '../../..');

const silentLogger: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
};

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
};
const row = (what: string, values: number[]) =>
  console.log(
    `${what.padEnd(52)}${pct(values, 50).toFixed(1).padStart(9)}${pct(
      values,
      95,
    )
      .toFixed(1)
      .padStart(9)}`,
  );
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@example.com',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@example.com',
    },
  });

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-upgrades-'));
  try {
    // A history with release FROM (the golden path as it is) and TO.
    const history = path.join(work, 'portal');
    const templateDir = path.join(history, 'templates/golden-path');
    fs.cpSync(path.join(repoRoot, 'templates/golden-path'), templateDir, {
      recursive: true,
      filter: src => !/(__pycache__|\.ruff_cache|node_modules)/.test(src),
    });
    const steps = path.join(templateDir, 'form/steps.yaml');
    const FROM = /templateVersion: '([^']+)'/.exec(
      fs.readFileSync(steps, 'utf8'),
    )![1];
    const TO = semver.inc(FROM, 'minor')!;
    git(history, 'init', '-q', '-b', 'main');
    git(history, 'add', '-A');
    git(history, 'commit', '-q', '-m', FROM);
    const fromCommit = git(history, 'rev-parse', 'HEAD').trim();
    const edit = (file: string, change: (t: string) => string) =>
      fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
    edit(path.join(templateDir, 'shared/k8s/base/deployment.yaml'), t =>
      t.replace('revisionHistoryLimit: 5', 'revisionHistoryLimit: 10'),
    );
    edit(
      path.join(templateDir, 'typescript/src/app/infrastructure/logger.ts'),
      t => `// ${TO}\n${t}`,
    );
    edit(steps, t =>
      t.replace(`templateVersion: '${FROM}'`, `templateVersion: '${TO}'`),
    );
    edit(path.join(templateDir, 'CHANGELOG.md'), t =>
      t.replace(
        new RegExp(`^## ${FROM.replace(/\./g, '\\.')}.*$`, 'm'),
        h =>
          `## ${TO} — 2026-12-31\n\n- Next.\n\n${h}\n\nCommit: ${fromCommit}`,
      ),
    );
    git(history, 'commit', '-q', '-am', TO);

    const releases = await TemplateReleases.load({
      directory: templateDir,
      templates: [
        'template:default/svc-typescript',
        'template:default/svc-python',
      ],
      history,
    });
    const renderer = new ReleaseRenderer({
      // fetch:template reads file:// templates itself; no URL is read.
      urlReader: {} as never,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      logger: silentLogger,
    });

    // One generated service at FROM, with a change of its own.
    const reposDir = path.join(work, 'repos');
    const repo = path.join(reposDir, 'svc-bench');
    const values = {
      ...JSON.parse(
        fs.readFileSync(path.join(templateDir, 'example-values.json'), 'utf8'),
      ),
      name: 'svc-bench',
      generatedOn: '2026-12-06',
      language: 'typescript',
    };
    await renderer.render({
      folder: await releases.folderOf(FROM),
      version: FROM,
      values,
      into: repo,
    });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'generated');
    fs.appendFileSync(path.join(repo, 'README.md'), '\nOur notes.\n');
    git(repo, 'commit', '-q', '-am', 'ours');
    const generated = YAML.parseAllDocuments(
      fs.readFileSync(path.join(repo, 'catalog-info.yaml'), 'utf8'),
    )[0].toJS() as Entity;
    generated.metadata.namespace = 'default';
    generated.metadata.annotations![
      'backstage.io/managed-by-location'
    ] = `file:${repo}/catalog-info.yaml`;

    // SERVICES generated services at FROM or TO, and as many other components.
    const entities: Entity[] = [generated];
    for (let i = 1; i < SERVICES; i++) {
      entities.push({
        ...generated,
        metadata: {
          ...generated.metadata,
          name: `svc-${i}`,
          annotations: {
            ...generated.metadata.annotations,
            'local-plus.io/template-version': i % 3 === 0 ? TO : FROM,
          },
        },
      });
      entities.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: `lib-${i}`, namespace: 'default' },
        spec: { type: 'library', owner: 'group:default/product-team' },
      });
    }
    const catalog = catalogServiceMock({ entities });
    const upgrades = new UpgradeService({
      catalog,
      releases,
      renderer,
      repositories: new ServiceRepositories([reposDir]),
      logger: silentLogger,
    });
    const credentials = await mockServices
      .auth({ pluginId: 'template-upgrades' })
      .getOwnServiceCredentials();

    console.log(
      `Template upgrades: ${SERVICES} generated services, ${FROM} → ${TO}, ${RUNS} runs${
        SHORT ? ' (short)' : ''
      }`,
    );
    console.log(
      `${''.padEnd(52)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}`,
    );
    const drift: number[] = [];
    const query: number[] = [];
    const driftFilter = {
      filter: {
        kind: 'Component',
        'metadata.annotations.local-plus.io/template': CATALOG_FILTER_EXISTS,
      },
    };
    let behind = 0;
    for (let run = 0; run < RUNS * 5 + 2; run++) {
      const started = performance.now();
      const list = await upgrades.drift(credentials);
      const d = performance.now() - started;
      behind = list.services.filter(s => s.status === 'behind').length;
      const q = await time(() =>
        catalog.getEntities(driftFilter, { credentials }),
      );
      if (run >= 2) {
        drift.push(d);
        query.push(q);
      }
    }
    row(`drift of ${SERVICES} services (${behind} behind)`, drift);
    row('  the catalog query alone', query);

    const proposal: number[] = [];
    const render: number[] = [];
    let files = 0;
    const renderOnce = (into: string) =>
      renderer.render({ folder: templateDir, version: TO, values, into });
    for (let run = 0; run < RUNS + 1; run++) {
      const started = performance.now();
      files = (await upgrades.proposal(generated)).files.length;
      const p = performance.now() - started;
      const into = fs.mkdtempSync(path.join(work, 'render-'));
      const r = await time(() => renderOnce(into));
      fs.rmSync(into, { recursive: true, force: true });
      if (run >= 1) {
        proposal.push(p);
        render.push(r);
      }
    }
    row(`one upgrade proposal (${files} files in it)`, proposal);
    row('  one release rendered alone', render);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
