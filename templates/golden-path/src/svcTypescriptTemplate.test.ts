/**
 * The golden-path template run through the real scaffolder: a good form
 * publishes a repository and registers its entity; bad input is refused with
 * a clear message and writes nothing. (The generated repository's own
 * checks are in generatedRepository.integration.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  Harness,
  fullValues,
  minimalValues,
  startScaffolderHarness,
  waitFor,
} from './__testUtils__/scaffolderHarness';

jest.setTimeout(120_000);

describe('templates/svc-typescript through the scaffolder', () => {
  let harness: Harness;
  let fixtureDir: string;

  beforeAll(async () => {
    // A service that already exists: its name must be refused.
    fixtureDir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-catalog-'));
    fs.writeFileSync(
      path.join(fixtureDir, 'taken.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata: { name: svc-taken }',
        'spec: { type: service, lifecycle: production, owner: group:default/product-team }',
        '',
      ].join('\n'),
    );
    harness = await startScaffolderHarness({
      catalogFiles: [path.join(fixtureDir, 'taken.yaml')],
    });
    await waitFor(
      () => harness.getEntity('component:default/svc-taken'),
      'the fixture entity',
    );
  });

  afterAll(async () => {
    await harness?.stop();
    fs.rmSync(fixtureDir, { recursive: true, force: true });
  });

  const published = () => fs.readdirSync(harness.publishDir).sort();

  it('publishes a git repository, registers it and links to it', async () => {
    const result = await harness.runTask(fullValues('svc-rewards'));
    expect(result.log.join('\n')).not.toMatch(/error/i);
    expect(result.status).toBe('completed');

    const repo = path.join(harness.publishDir, 'svc-rewards');
    expect(
      execFileSync('git', ['log', '--oneline'], { cwd: repo, encoding: 'utf8' })
        .trim()
        .split('\n'),
    ).toHaveLength(1);
    const catalogInfo = fs.readFileSync(
      path.join(repo, 'catalog-info.yaml'),
      'utf8',
    );
    expect(catalogInfo).not.toContain('${{');
    const documents = parseAllDocuments(catalogInfo).map(d => d.toJS());
    expect(documents.map(d => `${d.kind}:${d.metadata.name}`)).toEqual([
      'Component:svc-rewards',
      'API:svc-rewards-api',
      'Resource:rewards.points-granted.v1',
    ]);
    expect(documents[0].spec).toMatchObject({
      owner: 'group:default/product-team',
      system: 'system:default/local-plus',
    });

    const links = result.output.links ?? [];
    expect(links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          title: 'Repository',
          url: `file://${repo}`,
        }),
        expect.objectContaining({ entityRef: 'component:default/svc-rewards' }),
        expect.objectContaining({
          url: '/docs/default/component/svc-rewards',
        }),
      ]),
    );

    // The task completes only once the catalog serves the entity: "Open in
    // the catalog" works at once, no waiting here.
    expect(result.log.join('\n')).toMatch(
      /component:default\/svc-rewards is in the catalog/,
    );
    const entity = await harness.getEntity('component:default/svc-rewards');
    expect(entity?.spec.owner).toBe('group:default/product-team');
    expect(entity.metadata.annotations['backstage.io/techdocs-ref']).toBe(
      'dir:.',
    );
  });

  it('refuses a name that is already in the catalog, writing nothing', async () => {
    const before = published();
    const result = await harness.runTask(fullValues('svc-taken'));
    expect(result.status).toBe('failed');
    expect(result.log.join('\n')).toContain(
      'component:default/svc-taken already exists in the catalog',
    );
    expect(published()).toEqual(before);
  });

  it.each([
    ['owner', 'group:default/ghost-team', 'Group'],
    ['system', 'system:default/ghost-system', 'System'],
    ['domain', 'domain:default/ghost-domain', 'Domain'],
  ])(
    'refuses an entity that is not in the catalog (%s), before rendering or writing anything',
    async (field, ref, kind) => {
      const before = published();
      const result = await harness.runTask({
        ...fullValues('svc-ghost-ref'),
        [field]: ref,
      });
      expect(result.status).toBe('failed');
      const log = result.log.join('\n');
      expect(log).toContain(
        `Beginning step ${field}: check that the ${kind} exists`,
      );
      expect(log).toContain(`Entity ${ref} not found`);
      expect(log).not.toMatch(/Beginning step Render the repository/);
      expect(published()).toEqual(before);
    },
  );

  it.each([
    ['owner', 'system:default/local-plus'],
    ['owner', 'product-team'],
    ['owner', 'group:default/Product-Team'],
    ['system', 'group:default/product-team'],
    ['domain', 'domain:loyalty'],
  ])(
    'refuses %s %s: not a full reference of the right kind',
    async (field, value) => {
      const res = await harness.createTask({
        ...fullValues('svc-bad-ref'),
        [field]: value,
      });
      expect(res.status).toBe(400);
      const { errors } = (await res.json()) as {
        errors: Array<{ property: string }>;
      };
      expect(errors.map(e => e.property)).toContain(`instance.${field}`);
    },
  );

  it('refuses a second service with the same name', async () => {
    const result = await harness.runTask(minimalValues('svc-rewards'));
    expect(result.status).toBe('failed');
    expect(result.log.join('\n')).toContain('already exists');
  });

  it.each([
    ['a name without the svc- prefix', { name: 'rewards' }, 'name'],
    ['upper case in the name', { name: 'svc-Rewards' }, 'name'],
    ['a path in the name', { name: 'svc-a/../../etc' }, 'name'],
    ['an over-long name', { name: `svc-${'a'.repeat(40)}` }, 'name'],
    [
      'a name ending with a dash (no Kubernetes namespace)',
      { name: 'svc-rewards-' },
      'name',
    ],
    [
      'a template expression in the description',
      { description: 'Points ${{ values.name }} for everyone' },
      'description',
    ],
    [
      'a nunjucks block in the description',
      { description: 'Points {% include "/etc/passwd" %} here' },
      'description',
    ],
    [
      'path traversal in the description',
      { description: 'See ../../../etc/passwd for details' },
      'description',
    ],
    [
      'an over-long description',
      { description: 'x'.repeat(301) },
      'description',
    ],
    ['an unknown criticality', { criticality: 'P9' }, 'criticality'],
    [
      'a topic that is not <domain>.<event>.v<n>',
      { eventTopic: '../points' },
      'eventTopic',
    ],
    [
      'an availability objective of 100%',
      { sloAvailability: 100 },
      'sloAvailability',
    ],
  ])('refuses %s before any step runs', async (_what, override, field) => {
    const before = published();
    const res = await harness.createTask({
      ...fullValues('svc-bad-input'),
      ...override,
    });
    expect(res.status).toBe(400);
    const body = JSON.stringify(await res.json());
    expect(body).toContain(field);
    expect(published()).toEqual(before);
  });

  it('renders in a dry run from the template editor without publishing', async () => {
    const before = published();
    const res = await harness.dryRun(fullValues('svc-dry-run'));
    const body = (await res.json()) as any;
    expect({ status: res.status, error: body.error?.message }).toEqual({
      status: 200,
      error: undefined,
    });
    const files = (body.directoryContents as Array<{ path: string }>).map(
      f => f.path,
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'catalog-info.yaml',
        'k8s/base/kustomization.yaml',
      ]),
    );
    expect(published()).toEqual(before);
  });
});

describe('templates/svc-typescript configured as in production', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startScaffolderHarness({ localPublishEnabled: false });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('offers neither publish:local nor catalog:register:local', async () => {
    const res = await fetch(`${harness.baseUrl}/api/scaffolder/v2/actions`);
    expect(res.status).toBe(200);
    const ids = ((await res.json()) as Array<{ id: string }>).map(a => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'publish:github',
        'catalog:register',
        'publish:local:settings',
        'catalog:entity:wait-for',
      ]),
    );
    expect(ids).not.toContain('publish:local');
    expect(ids).not.toContain('catalog:register:local');
  });

  it('takes the GitHub branch: publish:github and catalog:register', async () => {
    const res = await harness.dryRun(fullValues('svc-prod-path'));
    const body = (await res.json()) as any;
    expect(res.status).toBe(200);
    const log = (body.log as Array<{ body: { message?: string } }>)
      .map(e => e.body.message ?? '')
      .join('\n');
    expect(log).toMatch(/Beginning step Publish to GitHub/);
    expect(log).toMatch(
      /Skipping step publish-local because its if condition was false/,
    );
    expect(log).toMatch(
      /Skipping step register-local because its if condition was false/,
    );
    // Neither local action is registered: the skipped steps never looked
    // them up. The wait for the entity does not wait in a dry run.
    expect(log).not.toMatch(/is not registered|not found/i);
    expect(log).toMatch(/Dry run: would wait for the catalog to serve/);
    expect(fs.readdirSync(harness.publishDir)).toEqual([]);
  });
});
