import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createPublishLocalAction } from './publishLocal';

describe('publish:local', () => {
  const workspace = createMockDirectory();
  const target = createMockDirectory();

  beforeEach(() => {
    workspace.setContent({
      'catalog-info.yaml': 'kind: Component\n',
      'src/main.ts': 'console.log("svc-demo");\n',
      'k8s/base/kustomization.yaml': 'resources: []\n',
    });
    target.clear();
  });

  function run(input: Record<string, unknown>, isDryRun = false) {
    const action = createPublishLocalAction({ targetDirectory: target.path });
    const ctx = createMockActionContext({
      input: {
        defaultBranch: 'main',
        gitAuthorName: 'Local-Plus Portal',
        gitAuthorEmail: 'portal@local-plus.example',
        ...input,
      } as any,
      workspacePath: workspace.path,
    });
    // createMockActionContext does not carry isDryRun through.
    (ctx as any).isDryRun = isDryRun;
    return { promise: action.handler(ctx as any), ctx };
  }

  it('writes the workspace as a git repository with one commit', async () => {
    const { promise, ctx } = run({ repoName: 'svc-demo' });
    await promise;

    const repo = path.join(target.path, 'svc-demo');
    expect(fs.readFileSync(path.join(repo, 'src/main.ts'), 'utf8')).toContain(
      'svc-demo',
    );
    const log = execFileSync('git', ['log', '--format=%s|%an', 'main'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(log.trim()).toBe(
      'Initial commit from the Local-Plus portal|Local-Plus Portal',
    );
    const files = execFileSync('git', ['ls-files'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(files.split('\n').filter(Boolean).sort()).toEqual([
      'catalog-info.yaml',
      'k8s/base/kustomization.yaml',
      'src/main.ts',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('remoteUrl', `file://${repo}`);
    expect(ctx.output).toHaveBeenCalledWith('targetPath', repo);
  });

  it('publishes only the chosen sub-folder', async () => {
    await run({ repoName: 'just-k8s', sourcePath: 'k8s' }).promise;
    expect(fs.readdirSync(path.join(target.path, 'just-k8s')).sort()).toEqual([
      '.git',
      'base',
    ]);
  });

  it('refuses to overwrite an existing repository', async () => {
    await run({ repoName: 'svc-demo' }).promise;
    await expect(run({ repoName: 'svc-demo' }).promise).rejects.toThrow(
      /svc-demo already exists; choose another repository name/,
    );
  });

  it('writes nothing in a dry run', async () => {
    const { promise, ctx } = run({ repoName: 'svc-dry' }, true);
    await promise;
    expect(fs.readdirSync(target.path)).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith(
      'targetPath',
      path.join(target.path, 'svc-dry'),
    );
  });

  it('never writes outside its target folder', async () => {
    await expect(run({ repoName: '../escaped' }).promise).rejects.toThrow(
      /outside/i,
    );
    await expect(
      run({ repoName: 'ok', sourcePath: '../../etc' }).promise,
    ).rejects.toThrow(/outside/i);
    expect(fs.existsSync(path.join(target.path, '..', 'escaped'))).toBe(false);
  });

  it('says how to configure it when no target folder is set', async () => {
    const action = createPublishLocalAction({ targetDirectory: undefined });
    await expect(
      action.handler(
        createMockActionContext({
          input: { repoName: 'svc-demo' } as any,
          workspacePath: workspace.path,
        }) as any,
      ),
    ).rejects.toThrow('set scaffolder.localPublish.targetDirectory');
  });

  it('declares a repoName pattern that rejects traversal and upper case', () => {
    const action = createPublishLocalAction({ targetDirectory: target.path });
    const schema = action.schema?.input as any;
    const pattern = new RegExp(schema.properties.repoName.pattern);
    expect(pattern.test('svc-ledger')).toBe(true);
    expect(pattern.test('../etc')).toBe(false);
    expect(pattern.test('Svc')).toBe(false);
    expect(pattern.test('a/b')).toBe(false);
  });
});
