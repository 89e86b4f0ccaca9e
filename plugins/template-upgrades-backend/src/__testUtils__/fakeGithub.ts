/**
 * GitHub's REST API for the calls the upgrades make, in GitHub's wire
 * format, over real git repositories (bare, on disk): nothing real can run
 * GitHub here. Repositories, refs, commits, trees and blobs are git's own;
 * pull requests are kept in memory for the test to read. Requests without
 * a token are refused, as GitHub does.
 */
import express from 'express';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export type FakeGithub = {
  apiBaseUrl: string;
  /** owner/repo → the bare repository behind it. */
  repositories: Map<string, string>;
  pulls: {
    repo: string;
    number: number;
    title: string;
    head: string;
    base: string;
    body: string;
  }[];
  /** Makes owner/repo from a working repository (its main branch). */
  publish(slug: string, workingRepo: string): string;
  close(): Promise<void>;
};

export async function startFakeGithub(): Promise<FakeGithub> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-github-'));
  const repositories = new Map<string, string>();
  const pulls: FakeGithub['pulls'] = [];
  const git = (
    repo: string,
    args: string[],
    options: { input?: Buffer; env?: NodeJS.ProcessEnv } = {},
  ) =>
    execFileSync('git', ['-C', repo, ...args], {
      input: options.input,
      env: { ...process.env, ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    });
  const app = express();
  app.use(express.json({ limit: '50mb' }));
  app.use((req, res, next) => {
    if (!/^(token|Bearer) \S+/.test(req.headers.authorization ?? '')) {
      res.status(401).json({ message: 'Requires authentication' });
      return;
    }
    next();
  });
  const repoOf = (req: express.Request, res: express.Response) => {
    const bare = repositories.get(`${req.params.owner}/${req.params.repo}`);
    if (!bare) res.status(404).json({ message: 'Not Found' });
    return bare;
  };
  const base = '/repos/:owner/:repo';

  app.get(base, (req, res) => {
    if (repoOf(req, res))
      res.json({
        default_branch: 'main',
        full_name: `${req.params.owner}/${req.params.repo}`,
      });
  });
  app.get(`${base}/git/ref/heads/:branch`, (req, res) => {
    const bare = repoOf(req, res);
    if (!bare) return;
    try {
      const sha = git(bare, [
        'rev-parse',
        '--verify',
        `refs/heads/${req.params.branch}`,
      ])
        .toString()
        .trim();
      res.json({
        ref: `refs/heads/${req.params.branch}`,
        object: { sha, type: 'commit' },
      });
    } catch {
      res.status(404).json({ message: 'Not Found' });
    }
  });
  app.get(`${base}/git/commits/:sha`, (req, res) => {
    const bare = repoOf(req, res);
    if (!bare) return;
    try {
      const tree = git(bare, ['rev-parse', `${req.params.sha}^{tree}`])
        .toString()
        .trim();
      res.json({ sha: req.params.sha, tree: { sha: tree } });
    } catch {
      res.status(404).json({ message: 'Not Found' });
    }
  });
  app.get(`${base}/git/trees/:sha`, (req, res) => {
    const bare = repoOf(req, res);
    if (!bare) return;
    const lines = git(bare, ['ls-tree', '-r', '-z', req.params.sha])
      .toString()
      .split('\0')
      .filter(Boolean);
    res.json({
      sha: req.params.sha,
      truncated: false,
      tree: lines.map(line => {
        const [meta, file] = line.split('\t');
        const [mode, type, sha] = meta.split(' ');
        return { path: file, mode, type, sha };
      }),
    });
  });
  app.get(`${base}/git/blobs/:sha`, (req, res) => {
    const bare = repoOf(req, res);
    if (!bare) return;
    const content = git(bare, ['cat-file', 'blob', req.params.sha]);
    res.json({
      sha: req.params.sha,
      content: content.toString('base64'),
      encoding: 'base64',
    });
  });
  app.post(`${base}/git/blobs`, (req, res) => {
    const bare = repoOf(req, res);
    if (!bare) return;
    const content = Buffer.from(
      req.body.content,
      req.body.encoding === 'base64' ? 'base64' : 'utf8',
    );
    const sha = git(bare, ['hash-object', '-w', '--stdin'], { input: content })
      .toString()
      .trim();
    res.status(201).json({ sha });
  });
  app.post(`${base}/git/trees`, (req, res) => {
    const bare = repoOf(req, res);
    if (!bare) return;
    const index = path.join(root, `index-${Date.now()}-${Math.random()}`);
    const env = { GIT_INDEX_FILE: index };
    git(bare, ['read-tree', req.body.base_tree], { env });
    for (const entry of req.body.tree as {
      path: string;
      mode: string;
      sha: string | null;
    }[]) {
      if (entry.sha === null)
        git(bare, ['update-index', '--force-remove', '--', entry.path], {
          env,
        });
      else
        git(
          bare,
          [
            'update-index',
            '--add',
            '--cacheinfo',
            `${entry.mode},${entry.sha},${entry.path}`,
          ],
          { env },
        );
    }
    const sha = git(bare, ['write-tree'], { env }).toString().trim();
    fs.rmSync(index, { force: true });
    res.status(201).json({ sha });
  });
  app.post(`${base}/git/commits`, (req, res) => {
    const bare = repoOf(req, res);
    if (!bare) return;
    const { message, tree, parents, author } = req.body;
    const sha = git(
      bare,
      ['commit-tree', tree, ...parents.flatMap((p: string) => ['-p', p])],
      {
        input: Buffer.from(message),
        env: {
          GIT_AUTHOR_NAME: author?.name ?? 'GitHub',
          GIT_AUTHOR_EMAIL: author?.email ?? 'noreply@github.com',
          GIT_COMMITTER_NAME: 'GitHub',
          GIT_COMMITTER_EMAIL: 'noreply@github.com',
        },
      },
    )
      .toString()
      .trim();
    res.status(201).json({ sha });
  });
  app.post(`${base}/git/refs`, (req, res) => {
    const bare = repoOf(req, res);
    if (!bare) return;
    try {
      git(bare, ['update-ref', req.body.ref, req.body.sha, '']);
      res
        .status(201)
        .json({ ref: req.body.ref, object: { sha: req.body.sha } });
    } catch {
      res.status(422).json({ message: 'Reference already exists' });
    }
  });
  app.post(`${base}/pulls`, (req, res) => {
    const slug = `${req.params.owner}/${req.params.repo}`;
    if (!repoOf(req, res)) return;
    const number = pulls.length + 1;
    pulls.push({ repo: slug, number, ...req.body });
    res
      .status(201)
      .json({ number, html_url: `https://github.com/${slug}/pull/${number}` });
  });

  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiBaseUrl: `http://127.0.0.1:${port}`,
    repositories,
    pulls,
    publish(slug, workingRepo) {
      const bare = path.join(root, `${slug.replace('/', '__')}.git`);
      execFileSync('git', ['clone', '-q', '--bare', workingRepo, bare]);
      repositories.set(slug, bare);
      return bare;
    },
    close: async () => {
      await new Promise(resolve => server.close(resolve));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
