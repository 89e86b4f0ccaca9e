/**
 * The real scaffolder and catalog, in-process, for the golden-path tests:
 * the catalog loads templates/golden-path/svc-typescript.yaml, the Group,
 * System and Domain it refers to (catalog-fixtures.yaml) and any extra
 * catalog files; the scaffolder runs it with the portal's own golden-path
 * actions, publishing to a temporary folder.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleTemplateKind from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderModuleGithub from '@backstage/plugin-scaffolder-backend-module-github';
import catalogModuleLocalFiles from '@internal/plugin-catalog-backend-module-local-files';
import scaffolderModuleGoldenPath from '@internal/plugin-scaffolder-backend-module-golden-path';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

/** The golden path's templates, their form and steps (form/) and skeletons. */
export const templateDir = path.resolve(__dirname, '../..');
export const repoRoot = path.resolve(templateDir, '../..');
/**
 * What templateDir holds besides the template: this test package (its
 * package.json, lint config, tests) and what running it leaves behind. Not
 * sent with a dry run, which gets the template's files only.
 */
const TEST_PACKAGE_FILES = new Set([
  'package.json',
  '.eslintrc.js',
  'src',
  'node_modules',
  'coverage',
]);
/** The golden-path templates: one per language, the same form and steps. */
export type GoldenPathTemplate = 'svc-typescript' | 'svc-python';
export const templateFileOf = (template: GoldenPathTemplate) =>
  path.join(templateDir, `${template}.yaml`);
export const templateFile = templateFileOf('svc-typescript');
/** The language a template's form fixes (a const its steps read). */
export const languageOf = (template: GoldenPathTemplate) =>
  template.replace(/^svc-/, '');
/**
 * A template as the catalog serves it: its YAML with the `$yaml`
 * placeholders (the shared form) replaced by the files they name, read
 * beside the template as the local-files module reads them.
 */
export function readTemplate(file: string = templateFile): any {
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length === 1 && entries[0][0] === '$yaml') {
        return resolve(
          parse(
            fs.readFileSync(
              path.resolve(path.dirname(file), String(entries[0][1])),
              'utf8',
            ),
          ),
        );
      }
      return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  return resolve(parse(fs.readFileSync(file, 'utf8')));
}

/** Group product-team and platform-team, System local-plus, Domain loyalty. */
export const catalogFixtures = path.join(__dirname, 'catalog-fixtures.yaml');

export type TaskResult = {
  id: string;
  status: 'completed' | 'failed' | 'cancelled' | string;
  log: string[];
  output: {
    links?: Array<{ title?: string; url?: string; entityRef?: string }>;
  };
};

export type Harness = {
  baseUrl: string;
  /** Where publish:local writes repositories. */
  publishDir: string;
  createTask(values: Record<string, unknown>): Promise<Response>;
  /**
   * POST /v2/dry-run of the harness's template, as the template editor
   * does. `withoutFiles`: send no skeleton (enough to test validation).
   */
  dryRun(
    values: Record<string, unknown>,
    options?: { withoutFiles?: boolean },
  ): Promise<Response>;
  runTask(values: Record<string, unknown>): Promise<TaskResult>;
  /** Waits for a task created with createTask to finish. */
  waitForTask(id: string): Promise<TaskResult>;
  getEntity(ref: string): Promise<any | undefined>;
  /** How many entities of each kind the catalog serves (kind in lower case). */
  entityCounts(): Promise<Record<string, number>>;
  stop(): Promise<void>;
};

export async function startScaffolderHarness(options: {
  /** Which golden-path template the catalog holds and tasks run (svc-typescript). */
  template?: GoldenPathTemplate;
  /** Extra catalog files (absolute paths). */
  catalogFiles?: string[];
  /** false: configured as in production (templates publish to GitHub). */
  localPublishEnabled?: boolean;
}): Promise<Harness> {
  const template = options.template ?? 'svc-typescript';
  const templateRef = `template:default/${template}`;
  const publishDir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-path-'));
  const backend = await startTestBackend({
    features: [
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:0' },
          // publish:github is registered as in production; no test reaches
          // GitHub (its steps only run in dry runs, which skip them).
          integrations: { github: [{ host: 'github.com', token: 'unused' }] },
          catalog: {
            rules: [
              {
                allow: [
                  'Component',
                  'API',
                  'Resource',
                  'System',
                  'Domain',
                  'Group',
                  'User',
                  'Location',
                  'Template',
                ],
              },
            ],
            locations: [
              {
                type: 'file',
                target: templateFileOf(template),
              },
              { type: 'file', target: catalogFixtures },
              ...(options.catalogFiles ?? []).map(target => ({
                type: 'file',
                target,
              })),
            ],
          },
          scaffolder: {
            localPublish: {
              targetDirectory: publishDir,
              enabled: options.localPublishEnabled ?? true,
            },
            goldenPath: {
              containerRegistry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
            },
          },
          localPlus: { catalog: { allowFileLocations: true } },
        },
      }),
      catalogPlugin,
      catalogModuleTemplateKind,
      catalogModuleLocalFiles,
      scaffolderPlugin,
      scaffolderModuleGithub,
      scaffolderModuleGoldenPath,
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}`;

  const getEntity = async (ref: string) => {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const res = await fetch(
      `${baseUrl}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
    );
    return res.ok ? res.json() : undefined;
  };

  // The template, and the entities it refers to, must be in the catalog
  // before a task can use it.
  for (const ref of [
    templateRef,
    'group:default/product-team',
    'system:default/local-plus',
    'domain:default/loyalty',
  ]) {
    await waitFor(() => getEntity(ref), `${ref} to be loaded into the catalog`);
  }

  const entityCounts = async () => {
    const res = await fetch(`${baseUrl}/api/catalog/entity-facets?facet=kind`);
    const body = (await res.json()) as {
      facets: { kind: Array<{ value: string; count: number }> };
    };
    return Object.fromEntries(
      body.facets.kind.map(f => [f.value.toLocaleLowerCase('en-US'), f.count]),
    );
  };

  const createTask = (values: Record<string, unknown>) =>
    fetch(`${baseUrl}/api/scaffolder/v2/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ templateRef, values }),
    });

  const waitForTask = async (id: string): Promise<TaskResult> => {
    const task = await waitFor(async () => {
      const res = await fetch(`${baseUrl}/api/scaffolder/v2/tasks/${id}`);
      const body = (await res.json()) as { status: string; output?: any };
      return ['completed', 'failed', 'cancelled'].includes(body.status)
        ? body
        : undefined;
    }, `task ${id} to finish`);
    const events = (await (
      await fetch(`${baseUrl}/api/scaffolder/v2/tasks/${id}/events`)
    ).json()) as Array<{
      type: string;
      body: { message?: string; output?: any };
    }>;
    // The task's output (its links) comes with its completion event.
    const completion = events.find(e => e.type === 'completion');
    return {
      id,
      status: task.status,
      output: completion?.body.output ?? {},
      log: events.map(e => e.body.message ?? '').filter(Boolean),
    };
  };

  const runTask = async (values: Record<string, unknown>) => {
    const created = await createTask(values);
    if (created.status !== 201) {
      throw new Error(
        `task not created: ${created.status} ${await created.text()}`,
      );
    }
    const { id } = (await created.json()) as { id: string };
    return waitForTask(id);
  };

  const dryRun = (
    values: Record<string, unknown>,
    dryRunOptions?: { withoutFiles?: boolean },
  ) => {
    const directoryContents = dryRunOptions?.withoutFiles
      ? []
      : listFiles(templateDir)
          .filter(file => !TEST_PACKAGE_FILES.has(file.split('/')[0]))
          .map(file => ({
            path: file,
            base64Content: fs
              .readFileSync(path.join(templateDir, file))
              .toString('base64'),
          }));
    const templateEntity = readTemplate(templateFileOf(template));
    return fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        template: templateEntity,
        values,
        directoryContents,
      }),
    });
  };

  return {
    baseUrl,
    publishDir,
    createTask,
    dryRun,
    runTask,
    waitForTask,
    getEntity,
    entityCounts,
    stop: async () => {
      await backend.stop();
      fs.rmSync(publishDir, { recursive: true, force: true });
    },
  };
}

/** Files under `dir`, relative to it. */
function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap(entry => {
      const rel = path.posix.join(prefix, entry.name);
      if (entry.name === 'node_modules') return [];
      return entry.isDirectory() ? listFiles(dir, rel) : [rel];
    });
}

/** Polls `check` until it returns a value (not undefined), for up to 60 s. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

/** The form's values for a service with every option switched on. */
export function fullValues(
  name: string,
  template: GoldenPathTemplate = 'svc-typescript',
): Record<string, unknown> {
  return {
    language: languageOf(template),
    name,
    description: 'Rewards points granted for purchases at partner merchants',
    owner: 'group:default/product-team',
    system: 'system:default/local-plus',
    domain: 'domain:default/loyalty',
    criticality: 'P1',
    ownsTables: true,
    publishesEvents: true,
    eventTopic: 'rewards.points-granted.v1',
    runsJobs: true,
    exposedThroughGateway: true,
    sloAvailability: 99.9,
    sloLatencyP99Ms: 200,
  };
}

/** The same service with every option switched off. */
export function minimalValues(
  name: string,
  template: GoldenPathTemplate = 'svc-typescript',
): Record<string, unknown> {
  return {
    ...fullValues(name, template),
    ownsTables: false,
    publishesEvents: undefined,
    eventTopic: undefined,
    runsJobs: false,
    exposedThroughGateway: false,
  };
}
