/**
 * The scenario, for real: a template repository whose release FROM
 * is the golden path as it is, a service generated from it and changed by
 * hand, then release TO that changes a manifest and a source file. The
 * portal must say the service is one release behind, and its upgrade must
 * bring both template changes and keep the hand-made one; a hand change on
 * the same lines is a conflict, reported and marked, never overwritten.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ScmIntegrations } from '@backstage/integration';
import { ConfigReader } from '@backstage/config';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import YAML from 'yaml';
import { startFakeGithub } from './__testUtils__/fakeGithub';
import { GithubClient, parseSlug } from './services/GithubClient';
import { ReleaseRenderer } from './services/ReleaseRenderer';
import { ServiceRepositories } from './services/ServiceRepositories';
import { TemplateReleases } from './services/TemplateReleases';
import { UpgradeService } from './services/UpgradeService';

jest.setTimeout(120_000);

const repoRoot = path.resolve(__dirname, '../../..');
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });

// The golden path as this commit has it is release FROM; the test makes TO.
const FROM = /templateVersion: '(\d+\.\d+\.\d+)'/.exec(
  fs.readFileSync(
    path.join(repoRoot, 'templates/golden-path/form/steps.yaml'),
    'utf8',
  ),
)![1];
const TO = semver.inc(FROM, 'minor')!;

const MANIFEST = 'k8s/base/deployment.yaml';
const SOURCE = 'src/app/infrastructure/logger.ts';
const HAND_CHANGED = 'README.md';

let work: string;
let history: string;
let templateDir: string;
let reposDir: string;

/** Edits a file of the template repository. */
function edit(relative: string, change: (text: string) => string) {
  const file = path.join(templateDir, relative);
  fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-it-'));
  history = path.join(work, 'portal');
  templateDir = path.join(history, 'templates', 'golden-path');
  reposDir = path.join(work, 'repos');
  fs.mkdirSync(reposDir);
  // Release FROM: the golden path as this commit has it.
  fs.cpSync(path.join(repoRoot, 'templates', 'golden-path'), templateDir, {
    recursive: true,
    filter: src => !/(__pycache__|\.ruff_cache|node_modules)/.test(src),
  });
  git(history, 'init', '-q', '-b', 'main');
  git(history, 'add', '-A');
  git(history, 'commit', '-q', '-m', `golden path ${FROM}`);
  const releaseFrom = git(history, 'rev-parse', 'HEAD').trim();

  // Release TO: a manifest and a source file change.
  edit(`shared/${MANIFEST}`, t =>
    t.replace(
      '  revisionHistoryLimit: 5\n',
      `  revisionHistoryLimit: 10\n  # ${TO}: keep more history for rollbacks.\n`,
    ),
  );
  edit(
    `typescript/${SOURCE}`,
    t => `// Structured logs (golden path ${TO}).\n${t}`,
  );
  edit('form/steps.yaml', t =>
    t.replace(`templateVersion: '${FROM}'`, `templateVersion: '${TO}'`),
  );
  edit('CHANGELOG.md', t =>
    t.replace(
      new RegExp(`^## ${FROM.replace(/\./g, '\\.')}( .*)?$`, 'm'),
      heading =>
        `## ${TO} — 2026-12-31\n\n- Deployments keep 10 revisions for rollbacks.\n- The logger says where structured logs go.\n\n${heading}\n\nCommit: ${releaseFrom}`,
    ),
  );
  git(history, 'commit', '-q', '-am', `golden path ${TO}`);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const logger = mockServices.logger.mock();
const renderer = new ReleaseRenderer({
  urlReader: mockServices.urlReader.mock(),
  integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  logger,
});

/** A service generated at FROM (the portal's own renderer), committed, and registered. */
async function generateService(
  name: string,
  releases: TemplateReleases,
  handChange: (dir: string) => void,
): Promise<{ dir: string; entity: Entity }> {
  const dir = path.join(reposDir, name);
  const values = {
    ...JSON.parse(
      fs.readFileSync(path.join(templateDir, 'example-values.json'), 'utf8'),
    ),
    name,
    repoSlug: `localplus/${name}`,
    generatedOn: '2026-12-06',
    language: 'typescript',
  };
  await renderer.render({
    folder: await releases.folderOf(FROM),
    version: FROM,
    values,
    into: dir,
  });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `Generated from the golden path ${FROM}`);
  handChange(dir);
  git(dir, 'commit', '-q', '-am', 'Our own change');
  // The Component, the first document of catalog-info.yaml.
  const entity = YAML.parseAllDocuments(
    fs.readFileSync(path.join(dir, 'catalog-info.yaml'), 'utf8'),
  )[0].toJS() as Entity;
  entity.metadata.namespace = 'default';
  entity.metadata.annotations = {
    ...entity.metadata.annotations,
    'backstage.io/managed-by-location': `file:${path.join(
      dir,
      'catalog-info.yaml',
    )}`,
  };
  return { dir, entity };
}

async function serviceFor(entities: Entity[]) {
  const releases = await TemplateReleases.load({
    directory: templateDir,
    templates: [
      'template:default/svc-typescript',
      'template:default/svc-python',
    ],
    history,
  });
  return {
    releases,
    upgrades: new UpgradeService({
      catalog: catalogServiceMock({ entities }),
      releases,
      renderer,
      repositories: new ServiceRepositories([reposDir]),
      logger,
    }),
  };
}

describe('template upgrades', () => {
  it('shows a service generated at the current release one release behind the next, with what it brings', async () => {
    const { releases } = await serviceFor([]);
    const { entity } = await generateService('svc-drift', releases, dir =>
      fs.appendFileSync(path.join(dir, HAND_CHANGED), '\nOur notes.\n'),
    );
    const { upgrades } = await serviceFor([entity]);
    const list = await upgrades.drift(mockCredentials.user());
    expect(list.templates).toContainEqual({
      template: 'template:default/svc-typescript',
      current: TO,
    });
    expect(list.services).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/svc-drift',
        version: FROM,
        current: TO,
        status: 'behind',
        behind: 1,
        releases: [
          {
            version: TO,
            date: '2026-12-31',
            notes: [
              'Deployments keep 10 revisions for rollbacks.',
              'The logger says where structured logs go.',
            ],
          },
        ],
      }),
    ]);
  });

  it('applies both template changes and keeps the hand-made one, on a branch, without touching the checkout', async () => {
    const { releases } = await serviceFor([]);
    const { dir, entity } = await generateService('svc-clean', releases, d =>
      fs.appendFileSync(path.join(d, HAND_CHANGED), '\nOur notes.\n'),
    );
    const { upgrades } = await serviceFor([entity]);
    const proposal = await upgrades.proposal(entity);
    const change = (p: string) =>
      proposal.files.find(f => f.path === p)?.change;
    expect(proposal).toMatchObject({
      from: FROM,
      to: TO,
      conflicts: [],
    });
    expect(change(MANIFEST)).toBe('template');
    expect(change(SOURCE)).toBe('template');
    expect(change('.golden-path.json')).toBe('template');
    expect(change('catalog-info.yaml')).toBe('template');
    expect(change(HAND_CHANGED)).toBe('kept');
    expect(proposal.files.find(f => f.path === MANIFEST)!.diff).toContain(
      '+  revisionHistoryLimit: 10',
    );

    const headBefore = git(dir, 'rev-parse', 'HEAD');
    const result = await upgrades.upgrade(entity, {
      name: 'Julien Lefevre',
      email: 'julien@local-plus.example',
    });
    expect(result).toMatchObject({
      branch: `golden-path/upgrade-${TO}`,
      from: FROM,
      to: TO,
      conflicts: [],
    });
    const show = (p: string) => git(dir, 'show', `${result.branch}:${p}`);
    expect(show(MANIFEST)).toContain('revisionHistoryLimit: 10');
    expect(
      show(SOURCE).startsWith(`// Structured logs (golden path ${TO}).`),
    ).toBe(true);
    expect(show(HAND_CHANGED)).toContain('Our notes.');
    expect(show('catalog-info.yaml')).toContain(
      `local-plus.io/template-version: "${TO}"`,
    );
    expect(JSON.parse(show('.golden-path.json')).version).toBe(TO);
    // The commit is the user's, on top of the service's head.
    expect(
      git(dir, 'log', '-1', '--format=%an <%ae>|%P', result.branch).trim(),
    ).toBe(`Julien Lefevre <julien@local-plus.example>|${headBefore.trim()}`);
    // The service's branch, index and working tree are untouched.
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    // Asking twice does not move the branch.
    await expect(
      upgrades.upgrade(entity, { name: 'x', email: 'x@example.com' }),
    ).rejects.toThrow(`Branch golden-path/upgrade-${TO} already exists`);
  });

  it('reports a hand change on the lines the release changes as a conflict, with markers, never overwritten', async () => {
    const { releases } = await serviceFor([]);
    const { entity, dir } = await generateService(
      'svc-conflict',
      releases,
      d => {
        const file = path.join(d, MANIFEST);
        fs.writeFileSync(
          file,
          fs
            .readFileSync(file, 'utf8')
            .replace('revisionHistoryLimit: 5', 'revisionHistoryLimit: 3'),
        );
      },
    );
    const { upgrades } = await serviceFor([entity]);
    const proposal = await upgrades.proposal(entity);
    expect(proposal.conflicts).toEqual([MANIFEST]);
    expect(proposal.files.find(f => f.path === SOURCE)?.change).toBe(
      'template',
    );
    const result = await upgrades.upgrade(entity, {
      name: 'Julien Lefevre',
      email: 'julien@local-plus.example',
    });
    expect(result.conflicts).toEqual([MANIFEST]);
    const merged = git(dir, 'show', `${result.branch}:${MANIFEST}`);
    expect(merged).toContain('<<<<<<< svc-conflict (your repository)');
    expect(merged).toContain('revisionHistoryLimit: 3');
    expect(merged).toContain('revisionHistoryLimit: 10');
    expect(merged).toContain(`>>>>>>> golden path ${TO}`);
    expect(git(dir, 'log', '-1', '--format=%B', result.branch)).toContain(
      `Conflicts to resolve by hand (the files carry conflict markers):\n- ${MANIFEST}`,
    );
  });

  it('refuses a repository outside the configured folders, and a tampered record', async () => {
    const { releases } = await serviceFor([]);
    const { entity, dir } = await generateService('svc-tampered', releases, d =>
      fs.writeFileSync(
        path.join(d, '.golden-path.json'),
        JSON.stringify({
          template: 'template:default/svc-typescript',
          version: FROM,
          values: { language: '../etc', name: 'x' },
        }),
      ),
    );
    const { upgrades } = await serviceFor([entity]);
    await expect(upgrades.proposal(entity)).rejects.toThrow(
      '.golden-path.json of component:default/svc-tampered: values.language: expected a skeleton name',
    );
    const outside = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          'backstage.io/managed-by-location': `file:${path.join(
            work,
            'portal',
            'catalog-info.yaml',
          )}`,
        },
      },
    };
    await expect(upgrades.proposal(outside)).rejects.toThrow(
      'is outside templateUpgrades.localRepositories',
    );
    expect(fs.existsSync(dir)).toBe(true);
  });

  it('on GitHub, reads the older release from the portal repository and opens a pull request, keeping the hand-made change', async () => {
    const github = await startFakeGithub();
    try {
      github.publish('localplus/developer-portal', history);
      const { releases: local } = await serviceFor([]);
      const { dir, entity } = await generateService('svc-gh', local, d =>
        fs.appendFileSync(path.join(d, HAND_CHANGED), '\nOur notes.\n'),
      );
      const bare = github.publish('localplus/svc-gh', dir);
      const onGithub: Entity = {
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            'backstage.io/managed-by-location':
              'url:https://github.com/localplus/svc-gh/blob/main/catalog-info.yaml',
            'github.com/project-slug': 'localplus/svc-gh',
          },
        },
      };
      const client = new GithubClient(
        ScmIntegrations.fromConfig(
          new ConfigReader({
            integrations: {
              github: [
                {
                  host: 'github.com',
                  apiBaseUrl: github.apiBaseUrl,
                  token: 'test-token',
                },
              ],
            },
          }),
        ),
      );
      // No local history: older releases come from GitHub.
      const releases = await TemplateReleases.load({
        directory: templateDir,
        templates: ['template:default/svc-typescript'],
        historyGithub: {
          client,
          repo: parseSlug('localplus/developer-portal'),
        },
      });
      const upgrades = new UpgradeService({
        catalog: catalogServiceMock({ entities: [onGithub] }),
        releases,
        renderer,
        repositories: new ServiceRepositories([], client),
        logger,
      });
      const proposal = await upgrades.proposal(onGithub);
      expect(proposal.target).toEqual({
        kind: 'github-pull-request',
        repository: 'localplus/svc-gh',
        branch: `golden-path/upgrade-${TO}`,
      });
      expect(proposal.files.find(f => f.path === HAND_CHANGED)?.change).toBe(
        'kept',
      );
      const result = await upgrades.upgrade(onGithub, {
        name: 'Julien Lefevre',
        email: 'julien@local-plus.example',
      });
      expect(result.pullRequestUrl).toBe(
        'https://github.com/localplus/svc-gh/pull/1',
      );
      expect(github.pulls).toEqual([
        expect.objectContaining({
          repo: 'localplus/svc-gh',
          head: `golden-path/upgrade-${TO}`,
          base: 'main',
          title: `Upgrade to golden path ${TO} (from ${FROM})`,
          body: expect.stringContaining(
            '- Deployments keep 10 revisions for rollbacks.',
          ),
        }),
      ]);
      const show = (p: string) => git(bare, 'show', `${result.branch}:${p}`);
      expect(show(MANIFEST)).toContain('revisionHistoryLimit: 10');
      expect(
        show(SOURCE).startsWith(`// Structured logs (golden path ${TO}).`),
      ).toBe(true);
      expect(show(HAND_CHANGED)).toContain('Our notes.');
      expect(
        git(bare, 'log', '-1', '--format=%an|%P', result.branch).trim(),
      ).toBe(`Julien Lefevre|${git(bare, 'rev-parse', 'main').trim()}`);
      // main is untouched: the change waits for review in the pull request.
      expect(git(bare, 'show', `main:${MANIFEST}`)).toContain(
        'revisionHistoryLimit: 5',
      );
    } finally {
      await github.close();
    }
  });
});
