import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { z } from 'zod';
import { Tree } from './threeWayMerge';

/** A repository on the GitHub of the portal's integration. */
export interface GithubRepository {
  kind: 'github';
  owner: string;
  repo: string;
}

const SLUG = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

export function parseSlug(slug: string): GithubRepository {
  if (!SLUG.test(slug) || slug.includes('..')) {
    throw new InputError(`'${slug}' is not a GitHub owner/repository`);
  }
  const [owner, repo] = slug.split('/');
  return { kind: 'github', owner, repo };
}

const repoInfo = z.object({ default_branch: z.string() });
const refInfo = z.object({ object: z.object({ sha: z.string() }) });
const commitInfo = z.object({
  sha: z.string(),
  tree: z.object({ sha: z.string() }),
});
const treeInfo = z.object({
  sha: z.string(),
  truncated: z.boolean().optional(),
  tree: z.array(
    z.object({
      path: z.string(),
      mode: z.string(),
      type: z.string(),
      sha: z.string().nullable().optional(),
    }),
  ),
});
const blobInfo = z.object({ content: z.string(), encoding: z.string() });
const created = z.object({ sha: z.string() });
const pullInfo = z.object({ html_url: z.string(), number: z.number() });

/**
 * The few GitHub REST calls the upgrades make, with the credentials of the
 * portal's GitHub integration (a token or a GitHub App: integrations.github
 * in the config): a branch's files, and a commit with its branch and pull
 * request, built with the Git data API (no clone). Every answer is checked;
 * a failure names the call and GitHub's own message.
 */
export class GithubClient {
  private readonly credentials: DefaultGithubCredentialsProvider;

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly host = 'github.com',
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.credentials =
      DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  }

  private async call<T>(
    repo: GithubRepository,
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const integration = this.integrations.github.byHost(this.host);
    if (!integration) {
      throw new ServiceUnavailableError(
        `No GitHub integration for ${this.host}: add it to integrations.github in the portal config`,
      );
    }
    const apiBaseUrl =
      integration.config.apiBaseUrl ?? 'https://api.github.com';
    const { headers } = await this.credentials.getCredentials({
      url: `https://${this.host}/${repo.owner}/${repo.repo}`,
    });
    const url = `${apiBaseUrl.replace(/\/$/, '')}/repos/${encodeURIComponent(
      repo.owner,
    )}/${encodeURIComponent(repo.repo)}${path}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          ...headers,
          Accept: 'application/vnd.github+json',
          'X-GitHub-Api-Version': '2022-11-28',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new ServiceUnavailableError(
        `GitHub could not be reached for ${repo.owner}/${repo.repo} (${
          (e as Error).message
        })`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      const message = safeMessage(text) ?? `HTTP ${response.status}`;
      if (response.status === 422 && path === '/git/refs') {
        throw new ConflictError(message);
      }
      throw new ServiceUnavailableError(
        `GitHub refused ${method} ${path.split('?')[0]} on ${repo.owner}/${
          repo.repo
        }: ${message}`,
      );
    }
    const parsed = schema.safeParse(text ? JSON.parse(text) : {});
    if (!parsed.success) {
      throw new ServiceUnavailableError(
        `GitHub answered ${method} ${
          path.split('?')[0]
        } with an unexpected shape`,
      );
    }
    return parsed.data;
  }

  async defaultBranch(repo: GithubRepository): Promise<string> {
    return (await this.call(repo, 'GET', '', repoInfo)).default_branch;
  }

  /** The files of a commit (a branch head or any sha), or of one folder of it. */
  async readTree(
    repo: GithubRepository,
    ref: string,
    folder?: string,
  ): Promise<{ tree: Tree; commit: string; treeSha: string }> {
    const sha = /^[0-9a-f]{40}$/.test(ref)
      ? ref
      : (
          await this.call(
            repo,
            'GET',
            `/git/ref/heads/${encodeURIComponent(ref)}`,
            refInfo,
          )
        ).object.sha;
    const commit = await this.call(
      repo,
      'GET',
      `/git/commits/${sha}`,
      commitInfo,
    );
    const listing = await this.call(
      repo,
      'GET',
      `/git/trees/${commit.tree.sha}?recursive=1`,
      treeInfo,
    );
    if (listing.truncated) {
      throw new ServiceUnavailableError(
        `${repo.owner}/${repo.repo} has more files than GitHub lists at once`,
      );
    }
    const prefix = folder ? `${folder.replace(/\/$/, '')}/` : '';
    const blobs = listing.tree.filter(
      e => e.type === 'blob' && e.sha && e.path.startsWith(prefix),
    );
    const tree: Tree = new Map();
    // A few at a time: GitHub's secondary rate limits.
    for (let i = 0; i < blobs.length; i += 8) {
      await Promise.all(
        blobs.slice(i, i + 8).map(async entry => {
          const blob = await this.call(
            repo,
            'GET',
            `/git/blobs/${entry.sha}`,
            blobInfo,
          );
          tree.set(
            entry.path.slice(prefix.length),
            Buffer.from(
              blob.content,
              blob.encoding === 'base64' ? 'base64' : 'utf8',
            ),
          );
        }),
      );
    }
    return { tree, commit: sha, treeSha: commit.tree.sha };
  }

  /**
   * One commit on top of `head` with the changed files, on a new branch,
   * and a pull request from it into `base`. The branch must not exist.
   */
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
      files: { path: string; content: Buffer | null; mode: string }[];
      author: { name: string; email: string };
    },
  ): Promise<{ commit: string; url: string }> {
    const entries = [];
    for (const file of options.files) {
      if (file.content === null) {
        entries.push({
          path: file.path,
          mode: file.mode,
          type: 'blob',
          sha: null,
        });
        continue;
      }
      const blob = await this.call(repo, 'POST', '/git/blobs', created, {
        content: file.content.toString('base64'),
        encoding: 'base64',
      });
      entries.push({
        path: file.path,
        mode: file.mode,
        type: 'blob',
        sha: blob.sha,
      });
    }
    const tree = await this.call(repo, 'POST', '/git/trees', created, {
      base_tree: options.headTree,
      tree: entries,
    });
    const commit = await this.call(repo, 'POST', '/git/commits', created, {
      message: options.message,
      tree: tree.sha,
      parents: [options.head],
      author: options.author,
    });
    try {
      await this.call(repo, 'POST', '/git/refs', refInfo, {
        ref: `refs/heads/${options.branch}`,
        sha: commit.sha,
      });
    } catch (e) {
      if (e instanceof ConflictError) {
        throw new InputError(
          `Branch ${options.branch} already exists on ${repo.owner}/${repo.repo}: merge or delete it first`,
        );
      }
      throw e;
    }
    const pull = await this.call(repo, 'POST', '/pulls', pullInfo, {
      title: options.title,
      head: options.branch,
      base: options.base,
      body: options.body,
    });
    return { commit: commit.sha, url: pull.html_url };
  }
}

function safeMessage(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === 'string' ? message.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}
