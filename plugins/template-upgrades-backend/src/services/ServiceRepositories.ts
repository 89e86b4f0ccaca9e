import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GithubClient, GithubRepository, parseSlug } from './GithubClient';
import { Tree, readTree } from './threeWayMerge';

const run = promisify(execFile);

const LOCATION_ANNOTATION = 'backstage.io/managed-by-location';
const SLUG_ANNOTATION = 'github.com/project-slug';

/** A service's repository on this host (development: publish:local). */
export interface LocalRepository {
  kind: 'local';
  directory: string;
}

export type ServiceRepository = LocalRepository | GithubRepository;

/** A repository's head: its files and what a new commit builds on. */
export interface RepositoryHead {
  tree: Tree;
  head: string;
  /** GitHub: the head's tree and the branch a pull request targets. */
  headTree?: string;
  base?: string;
}

/**
 * Where a service's repository is. Development and tests: a git repository
 * on this host that the catalog reads its catalog-info.yaml from (a `file:`
 * location), inside one of `templateUpgrades.localRepositories`: nothing
 * outside those folders is ever read or written. Production: the GitHub
 * repository of its `github.com/project-slug`, through the portal's GitHub
 * integration (when `templateUpgrades.github` is on).
 */
export class ServiceRepositories {
  constructor(
    private readonly roots: string[],
    private readonly github?: GithubClient,
  ) {}

  async locate(entity: Entity): Promise<ServiceRepository> {
    const location = entity.metadata.annotations?.[LOCATION_ANNOTATION] ?? '';
    if (!location.startsWith('file:')) {
      const slug = entity.metadata.annotations?.[SLUG_ANNOTATION];
      if (this.github && slug) return parseSlug(slug);
      throw new InputError(
        `${
          entity.metadata.name
        }'s repository is not on this host (${LOCATION_ANNOTATION} is not a file: location)${
          this.github
            ? ` and names no ${SLUG_ANNOTATION}`
            : '; upgrades on GitHub need templateUpgrades.github'
        }`,
      );
    }
    const file = location.slice('file:'.length);
    let directory: string;
    try {
      directory = await fs.realpath(path.dirname(file));
    } catch {
      throw new NotFoundError(
        `The repository of ${entity.metadata.name} is gone from this host`,
      );
    }
    const roots = await Promise.all(
      this.roots.map(r => fs.realpath(r).catch(() => undefined)),
    );
    if (
      !roots.some(
        r => r && (directory === r || directory.startsWith(`${r}${path.sep}`)),
      )
    ) {
      throw new InputError(
        `The repository of ${entity.metadata.name} is outside templateUpgrades.localRepositories`,
      );
    }
    return { kind: 'local', directory };
  }

  /** The repository's files at the head of its default branch (GitHub) or current branch (local; the working tree is not read). */
  async headOf(repo: ServiceRepository): Promise<RepositoryHead> {
    if (repo.kind === 'github') {
      const base = await this.github!.defaultBranch(repo);
      const { tree, commit, treeSha } = await this.github!.readTree(repo, base);
      return { tree, head: commit, headTree: treeSha, base };
    }
    return this.headTree(repo);
  }

  async headTree(repo: LocalRepository): Promise<{ tree: Tree; head: string }> {
    const head = (await git(repo, 'rev-parse', 'HEAD')).trim();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'upgrade-head-'));
    try {
      const archive = path.join(dir, 'head.tar');
      await git(repo, 'archive', '--format=tar', `--output=${archive}`, head);
      const files = path.join(dir, 'files');
      await fs.mkdir(files);
      await run('tar', ['-xf', archive, '-C', files]);
      return { tree: await readTree(files), head };
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /** GitHub: the commit, its branch and a pull request into the default branch. */
  async openPullRequest(
    repo: GithubRepository,
    options: {
      head: string;
      headTree: string;
      base: string;
      branch: string;
      title: string;
      message: string;
      body: string;
      files: { path: string; content: Buffer | null }[];
      author: { name: string; email: string };
    },
  ): Promise<{ commit: string; url: string }> {
    return this.github!.openPullRequest(repo, {
      ...options,
      files: options.files.map(f => ({
        ...f,
        mode:
          f.content && f.content.subarray(0, 2).toString() === '#!'
            ? '100755'
            : '100644',
      })),
    });
  }

  /**
   * Commits the upgraded files on a new branch from `head`, with git's
   * plumbing: the repository's checkout and index are not touched. Fails if
   * the branch exists (an earlier upgrade not merged yet).
   */
  async commitBranch(
    repo: LocalRepository,
    options: {
      head: string;
      branch: string;
      message: string;
      files: { path: string; content: Buffer | null }[];
      author: { name: string; email: string };
    },
  ): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'upgrade-index-'));
    const env = {
      ...process.env,
      GIT_INDEX_FILE: path.join(dir, 'index'),
      GIT_AUTHOR_NAME: options.author.name,
      GIT_AUTHOR_EMAIL: options.author.email,
      GIT_COMMITTER_NAME: 'Local-Plus Portal',
      GIT_COMMITTER_EMAIL: 'portal@local-plus.example',
    };
    const g = (args: string[], input?: Buffer) =>
      gitWith(repo, args, env, input);
    try {
      await g(['read-tree', options.head]);
      for (const file of options.files) {
        if (file.content === null) {
          await g(['update-index', '--force-remove', '--', file.path]);
          continue;
        }
        const blob = (
          await g(['hash-object', '-w', '--stdin'], file.content)
        ).trim();
        const existing = (await g(['ls-files', '-s', '--', file.path])).split(
          ' ',
        )[0];
        const mode =
          existing ||
          (file.content.subarray(0, 2).toString() === '#!'
            ? '100755'
            : '100644');
        await g([
          'update-index',
          '--add',
          '--cacheinfo',
          `${mode},${blob},${file.path}`,
        ]);
      }
      const tree = (await g(['write-tree'])).trim();
      const commit = (
        await g(
          ['commit-tree', tree, '-p', options.head, '-F', '-'],
          Buffer.from(options.message),
        )
      ).trim();
      // The empty old value: create only, never move an existing branch.
      try {
        await g(['update-ref', `refs/heads/${options.branch}`, commit, '']);
      } catch {
        throw new InputError(
          `Branch ${options.branch} already exists in the repository: merge or delete it first`,
        );
      }
      return commit;
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}

async function git(repo: LocalRepository, ...args: string[]): Promise<string> {
  return gitWith(repo, args, process.env);
}

function gitWith(
  repo: LocalRepository,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: Buffer,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      ['-C', repo.directory, ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `git ${args[0]} failed: ${
                String(stderr).trim() || error.message
              }`,
            ),
          );
        } else resolve(String(stdout));
      },
    );
    if (input) child.stdin!.end(input);
    else child.stdin?.end();
  });
}
