/**
 * What a developer gets from the golden path, checked the way they would use
 * it, for each language's template: the template is run through the real
 * scaffolder, then in the generated repository its dependencies are
 * installed (npm; a fresh virtualenv from PyPI), it type-checks or lints, its
 * unit, integration and contract tests pass (against real PostgreSQL and
 * Redis that the repository's own script starts, and the test services'
 * Kafka broker for its outbox relay), its migrated tables are read by the
 * data-ownership module, every kustomize overlay renders and every rendered
 * workload passes the platform's Kyverno rules, and its TechDocs build
 * strictly.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { Client } from 'pg';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  DataOwnershipEntityProvider,
  readDataOwnershipConfig,
} from '@internal/plugin-catalog-backend-module-data-ownership';
import { checkWorkloads, renderKustomize } from '@internal/test-services';
import {
  GoldenPathTemplate,
  Harness,
  fullValues,
  minimalValues,
  startScaffolderHarness,
  templateDir,
} from './__testUtils__/scaffolderHarness';

const haveServices = Boolean(process.env.LOCALPLUS_PG_HOST);
if (!haveServices && process.env.LOCALPLUS_REQUIRE_SERVICES) {
  throw new Error(
    'LOCALPLUS_PG_HOST is not set: run scripts/services.sh start',
  );
}
if (
  haveServices &&
  !process.env.LOCALPLUS_KAFKA_BROKERS &&
  process.env.LOCALPLUS_REQUIRE_SERVICES
) {
  throw new Error(
    'LOCALPLUS_KAFKA_BROKERS is not set: run scripts/services.sh start',
  );
}
const describeWithServices = haveServices ? describe : describe.skip;

const run = promisify(execFile);

/** Runs a command in the generated repository; fails with its output. */
async function sh(cwd: string, command: string, args: string[], env = {}) {
  try {
    const { stdout } = await run(command, args, {
      cwd,
      env: { ...process.env, ...env, CI: 'true' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 10 * 60_000,
    });
    return stdout;
  } catch (error: any) {
    const tail = (s?: string) => (s ?? '').split('\n').slice(-60).join('\n');
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}:\n${tail(
        error.stdout,
      )}\n${tail(error.stderr)}`,
    );
  }
}

const OVERLAYS = ['dev', 'staging', 'prod'];

/** An overlay of a generated repository, as ArgoCD applies it. */
async function renderOverlay(repo: string, overlay: string) {
  return renderKustomize(path.join(repo, 'k8s/overlays', overlay));
}

/**
 * What differs by language: how a developer installs, checks and tests a
 * clone, and the migration Job's command. The rest (manifests, catalog
 * entry, docs) comes from the shared skeleton and is checked alike.
 */
type Toolchain = {
  /** From a clean clone: install, static checks, build; then the test suite's output. */
  installCheckAndTest(
    clone: string,
    env: Record<string, string>,
  ): Promise<string>;
  /** The suite's own runner reports these. */
  suitesRun: RegExp[];
  migrate(clone: string, databaseUrl: string): Promise<unknown>;
  /** The minimal variant, reusing the full clone's installed toolchain. */
  checkAndTestMinimal(minimal: string, fullClone: string): Promise<string>;
  minimalSuitesRun: RegExp[];
  /** What its component depends on beyond every language's services. */
  ownDependencies: string[];
};

const toolchains: Record<GoldenPathTemplate, Toolchain> = {
  'svc-typescript': {
    async installCheckAndTest(clone, env) {
      await sh(clone, 'npm', ['install', '--no-audit', '--no-fund']);
      await sh(clone, 'npm', ['run', 'typecheck']);
      await sh(clone, 'npm', ['run', 'lint']);
      await sh(clone, 'npm', ['run', 'build']);
      if (!fs.existsSync(path.join(clone, 'dist/main.js'))) {
        throw new Error('npm run build wrote no dist/main.js');
      }
      return sh(clone, 'npm', ['test'], env);
    },
    // The relay's Kafka tests ran (skipped when no broker is given).
    suitesRun: [/integration/i, /contract/i, /kafka\.test\.ts/],
    migrate: (clone, databaseUrl) =>
      sh(clone, 'npm', ['run', 'migrate'], { DATABASE_URL: databaseUrl }),
    async checkAndTestMinimal(minimal, fullClone) {
      // Same toolchain as the full variant: reuse its installed modules.
      fs.symlinkSync(
        path.join(fullClone, 'node_modules'),
        path.join(minimal, 'node_modules'),
      );
      await sh(minimal, 'npm', ['run', 'typecheck']);
      return sh(minimal, 'npm', ['test']);
    },
    // Bearer tokens on the quotes route, shutdown: no data store needed.
    minimalSuitesRun: [/auth\.test\.ts/],
    ownDependencies: [],
  },
  'svc-python': {
    async installCheckAndTest(clone, env) {
      // `task install`, `task lint`, `task test`, spelled out (the Taskfile
      // wraps these; `task` itself is not on this machine).
      await sh(clone, 'python3.11', ['-m', 'venv', '.venv']);
      await sh(clone, '.venv/bin/pip', [
        'install',
        '--disable-pip-version-check',
        '-q',
        '-e',
        '.[dev]',
      ]);
      await sh(clone, '.venv/bin/ruff', ['check', '.']);
      await sh(clone, '.venv/bin/ruff', ['format', '--check', '.']);
      return sh(
        clone,
        'bash',
        [
          'scripts/test-services.sh',
          '.venv/bin/pytest',
          '-v',
          '-p',
          'no:cacheprovider',
        ],
        env,
      );
    },
    suitesRun: [/tests\/integration\//, /tests\/contract\//, /test_kafka\.py/],
    migrate: (clone, databaseUrl) =>
      sh(clone, '.venv/bin/python', ['-m', 'app.cli.migrate'], {
        DATABASE_URL: databaseUrl,
      }),
    async checkAndTestMinimal(minimal) {
      // Its own virtualenv (other dependencies), from the pip cache the
      // full variant filled.
      await sh(minimal, 'python3.11', ['-m', 'venv', '.venv']);
      await sh(minimal, '.venv/bin/pip', [
        'install',
        '--disable-pip-version-check',
        '-q',
        '-e',
        '.[dev]',
      ]);
      await sh(minimal, '.venv/bin/ruff', ['check', '.']);
      return sh(minimal, 'bash', [
        'scripts/test-services.sh',
        '.venv/bin/pytest',
        '-v',
        '-p',
        'no:cacheprovider',
      ]);
    },
    minimalSuitesRun: [/tests\/integration\/test_auth\.py/],
    // The platform's Dramatiq queue its job runs on, as the seed's services.
    ownDependencies: ['resource:default/dramatiq-default'],
  },
};

/**
 * The templates this suite generates from: every golden-path template
 * (GOLDEN_PATH_TEMPLATES=svc-python picks some, when working on one).
 */
const TEMPLATES = (process.env.GOLDEN_PATH_TEMPLATES?.split(',') ??
  fs
    .readdirSync(templateDir)
    .filter(f => f.endsWith('.yaml'))
    .map(f => f.replace(/\.yaml$/, ''))) as GoldenPathTemplate[];

jest.setTimeout(15 * 60_000);

describeWithServices.each(TEMPLATES)(
  'a repository generated by templates/golden-path/%s.yaml',
  template => {
    const toolchain = toolchains[template];
    let harness: Harness;
    let full: string;
    let minimal: string;

    beforeAll(async () => {
      harness = await startScaffolderHarness({ template });
      for (const values of [
        fullValues('svc-rewards', template),
        minimalValues('svc-quotes', template),
      ]) {
        const result = await harness.runTask(values);
        if (result.status !== 'completed') {
          throw new Error(`template failed:\n${result.log.join('\n')}`);
        }
      }
      full = path.join(harness.publishDir, 'svc-rewards');
      minimal = path.join(harness.publishDir, 'svc-quotes');
    });

    afterAll(async () => {
      await harness?.stop();
    });

    it('installs, checks, builds and passes its own tests from a clean clone', async () => {
      // A clone, as a developer would start: only what git tracks.
      const clone = `${full}-clone`;
      await sh(harness.publishDir, 'git', ['clone', '--quiet', full, clone]);
      // No DATABASE_URL / REDIS_URL: the repository's script starts its own
      // PostgreSQL and Redis, as on a developer's machine. Kafka it does not
      // start: the outbox relay publishes to the test services' broker.
      const env = {
        DATABASE_URL: '',
        REDIS_URL: '',
        KAFKA_BROKERS: process.env.LOCALPLUS_KAFKA_BROKERS ?? '',
      };
      const output = await toolchain.installCheckAndTest(clone, env);
      for (const suite of toolchain.suitesRun) expect(output).toMatch(suite);
      expect(output).not.toMatch(/\bskipped\b/i);
    });

    it('gives the data-ownership catalog its tables once migrated: in its own schema, owned by it, declared nowhere else', async () => {
      const clone = `${full}-clone`;
      const server = {
        host: process.env.LOCALPLUS_PG_HOST,
        port: Number(process.env.LOCALPLUS_PG_PORT ?? 5432),
        user: process.env.LOCALPLUS_PG_USER ?? 'postgres',
        password: process.env.LOCALPLUS_PG_PASSWORD,
      };
      const database = `golden_path_ownership_${Date.now().toString(36)}`;
      const admin = new Client({ ...server, database: 'postgres' });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${database}`);
        // The migration Job's command, as the deployment runs it.
        const url = new URL('postgresql://localhost');
        url.hostname = server.host!;
        url.port = String(server.port);
        url.username = server.user;
        url.password = server.password ?? '';
        url.pathname = `/${database}`;
        await toolchain.migrate(clone, url.toString());

        const provider = new DataOwnershipEntityProvider({
          config: readDataOwnershipConfig(
            new ConfigReader({
              dataOwnership: {
                databases: [
                  {
                    name: 'aiven-postgresql',
                    resource: 'aiven-postgresql',
                    connection: { ...server, database },
                    attempts: 1,
                  },
                ],
              },
            }),
          ),
          logger: mockServices.logger.mock(),
          taskRunner: { run: jest.fn() },
        });
        await provider.connect({
          applyMutation: jest.fn(),
          refresh: jest.fn(),
        });
        const { entities } = await provider.refresh();
        const tables = entities.map(e => ({
          name: e.metadata.name,
          table: e.metadata.annotations?.['local-plus.io/postgres-table'],
          owner: e.metadata.annotations?.['local-plus.io/owning-service'],
          state: e.metadata.labels?.['local-plus.io/data-ownership'],
        }));
        expect(tables.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
          [
            'account_transactions',
            'accounts',
            'idempotency_keys',
            'outbox',
            'schema_migrations',
          ].map(t => ({
            name: `rewards-${t.replace(/_/g, '-')}`,
            table: `rewards.${t}`,
            owner: 'component:default/svc-rewards',
            state: 'owned',
          })),
        );

        // The repository declares none of them itself (the catalog would
        // refuse the second entity of a name), and its component depends
        // on nothing the catalog cannot resolve.
        const declared = parseAllDocuments(
          fs.readFileSync(path.join(clone, 'catalog-info.yaml'), 'utf8'),
        ).map(d => d.toJS());
        const names = declared.map(d => d.metadata.name);
        for (const t of tables) expect(names).not.toContain(t.name);
        const component = declared.find(d => d.kind === 'Component');
        expect(component.spec.dependsOn).toEqual([
          'resource:default/aiven-postgresql',
          'resource:default/aiven-kafka',
          'resource:default/rewards.points-granted.v1',
          'resource:default/valkey',
          ...toolchain.ownDependencies,
        ]);
        const topic = declared.find(
          d => d.kind === 'Resource' && d.spec.type === 'kafka-topic',
        );
        expect(topic.spec.producers).toEqual(['component:default/svc-rewards']);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.end();
      }
    });

    it('renders every overlay into workloads that pass the platform rules', async () => {
      for (const overlay of OVERLAYS) {
        const documents = await renderOverlay(full, overlay);
        const kinds = documents.map(d => d.kind);
        expect(kinds).toEqual(
          expect.arrayContaining([
            'Deployment',
            'Service',
            'ConfigMap',
            'HorizontalPodAutoscaler',
            'PodDisruptionBudget',
            'ServiceAccount',
            'NetworkPolicy',
            'ServiceMonitor',
            'HTTPRoute',
            'ExternalSecret',
            'PrometheusRule',
          ]),
        );
        expect({ overlay, violations: checkWorkloads(documents) }).toEqual({
          overlay,
          violations: [],
        });
      }
    });

    it('publishes the API on the gateway, and keeps probes and metrics on a port it cannot reach', async () => {
      const documents = (await renderOverlay(full, 'prod')) as any[];
      const find = (kind: string, name?: string) =>
        documents.filter(
          d => d.kind === kind && (!name || d.metadata.name === name),
        );
      const [route] = find('HTTPRoute');
      expect(
        route.spec.rules.flatMap((r: any) => r.matches.map((m: any) => m.path)),
      ).toEqual([{ type: 'PathPrefix', value: '/v1/rewards' }]);
      expect(
        route.spec.rules.flatMap((r: any) =>
          r.backendRefs.map((b: any) => b.port),
        ),
      ).toEqual([8080]);
      const [service] = find('Service');
      const byPort = Object.fromEntries(
        service.spec.ports.map((p: any) => [p.port, p.targetPort]),
      );
      expect(byPort).toEqual({ 8080: 'http', 9090: 'management' });
      const container = find('Deployment')[0].spec.template.spec.containers[0];
      expect(
        Object.fromEntries(
          container.ports.map((p: any) => [p.name, p.containerPort]),
        ),
      ).toEqual({ http: 8080, management: 9090 });
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        expect(container[probe].httpGet.port).toBe('management');
      }
      expect(find('ServiceMonitor')[0].spec.endpoints[0].port).toBe(
        'management',
      );
      const ingressPorts = (name: string) =>
        find('NetworkPolicy', name)[0].spec.ingress.flatMap((rule: any) =>
          rule.ports.map((p: any) => p.port),
        );
      expect(ingressPorts('allow-from-gateway')).toEqual([8080]);
      expect(ingressPorts('allow-prometheus-scrape')).toEqual([9090]);
      // Tokens are checked against this environment's identity provider.
      const config = find('ConfigMap')[0].data;
      expect(config).toMatchObject({
        AUTH_AUDIENCE: 'svc-rewards',
        AUTH_ISSUER: 'https://auth.local-plus.example/',
        MANAGEMENT_PORT: '9090',
      });
    });

    it('without the options, generates no table, queue or gateway parts', async () => {
      for (const overlay of OVERLAYS) {
        const documents = await renderOverlay(minimal, overlay);
        expect(documents.map(d => d.kind)).not.toContain('HTTPRoute');
        expect({ overlay, violations: checkWorkloads(documents) }).toEqual({
          overlay,
          violations: [],
        });
      }
      expect(fs.existsSync(path.join(minimal, 'migrations'))).toBe(false);
      expect(
        fs.existsSync(path.join(minimal, 'docs/runbooks/slo-burn.md')),
      ).toBe(true);
      expect(
        fs.existsSync(
          path.join(minimal, 'docs/runbooks/dead-letters-piling-up.md'),
        ),
      ).toBe(false);
      const output = await toolchain.checkAndTestMinimal(
        minimal,
        `${full}-clone`,
      );
      for (const suite of toolchain.minimalSuitesRun) {
        expect(output).toMatch(suite);
      }
      expect(output).not.toMatch(/\bskipped\b/i);
    });

    it('builds its TechDocs, runbooks included, with mkdocs --strict', async () => {
      for (const repo of [full, minimal]) {
        const site = path.join(repo, '.site');
        await sh(repo, 'mkdocs', ['build', '--strict', '--site-dir', site]);
        expect(
          fs.existsSync(path.join(site, 'runbooks/slo-burn/index.html')),
        ).toBe(true);
        // Written today, so the portal does not call it stale from the start.
        const frontMatter = /^---\n([\s\S]*?)\n---\n/.exec(
          fs.readFileSync(path.join(repo, 'docs/runbooks/slo-burn.md'), 'utf8'),
        )?.[1];
        const reviewed = parse(frontMatter ?? '').last_reviewed;
        expect(reviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const age = Date.now() - Date.parse(`${reviewed}T00:00:00Z`);
        expect(age).toBeGreaterThanOrEqual(0);
        expect(age).toBeLessThan(2 * 24 * 3600_000);
      }
    });
  },
);
