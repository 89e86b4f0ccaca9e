import { TemplateRelease } from '@internal/plugin-template-upgrades-common';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import YAML from 'yaml';
import { GithubClient, GithubRepository } from './GithubClient';

const run = promisify(execFile);

/** A release as its changelog section gives it, with where to find it. */
export type Release = TemplateRelease & {
  /** The history commit that holds it (every release but the newest). */
  commit?: string;
};

const HEADING = /^## (\d+\.\d+\.\d+)(?:\s+[—-]\s+(\d{4}-\d{2}-\d{2}))?\s*$/;
const COMMIT = /^Commit:\s*([0-9a-f]{7,40})\s*$/;

/**
 * The releases of CHANGELOG.md, newest first: `## 1.2.0 — 2026-12-06`
 * headings, `- ` notes (continued on indented lines), and a `Commit: <sha>`
 * line under every release but the newest. A heading that is not semver, a
 * release listed twice or out of order is an error that names the line.
 */
export function parseChangelog(text: string): Release[] {
  const releases: Release[] = [];
  let current: Release | undefined;
  text.split('\n').forEach((line, index) => {
    const where = `CHANGELOG.md line ${index + 1}`;
    if (line.startsWith('## ')) {
      const heading = HEADING.exec(line);
      if (!heading) {
        throw new Error(
          `${where}: expected "## <major.minor.patch> — <YYYY-MM-DD>"`,
        );
      }
      const [, version, date] = heading;
      const previous = releases[releases.length - 1];
      if (previous && !semver.lt(version, previous.version)) {
        throw new Error(
          `${where}: ${version} must be older than ${previous.version} above it (newest first, each once)`,
        );
      }
      current = { version, date, notes: [] };
      releases.push(current);
      return;
    }
    if (!current) return;
    const commit = COMMIT.exec(line.trim());
    if (commit) {
      current.commit = commit[1];
    } else if (line.startsWith('- ')) {
      current.notes.push(line.slice(2).trim());
    } else if (/^\s+\S/.test(line) && current.notes.length > 0) {
      current.notes[current.notes.length - 1] += ` ${line.trim()}`;
    }
  });
  return releases;
}

/**
 * One template family's releases (the golden path: every svc-<language>
 * template of one folder): its changelog, the version its steps render
 * (`templateVersion` in form/steps.yaml, which must be the changelog's
 * newest), and each release's files: the newest is the folder as it is,
 * an older one is read from the history repository at its commit (git
 * archive, into a cache folder that lives as long as the process).
 */
export class TemplateReleases {
  private readonly extracted = new Map<string, Promise<string>>();

  private constructor(
    readonly directory: string,
    readonly templates: string[],
    readonly releases: Release[],
    private readonly history: string | undefined,
    private readonly historyPath: string,
    private readonly cacheDir: string,
    private readonly historyGithub?: {
      client: GithubClient;
      repo: GithubRepository;
    },
  ) {}

  static async load(options: {
    directory: string;
    templates: string[];
    history?: string;
    /** The folder's path inside the history repository (templates/golden-path). */
    historyPath?: string;
    /** Production: the history is the portal's GitHub repository. */
    historyGithub?: { client: GithubClient; repo: GithubRepository };
  }): Promise<TemplateReleases> {
    const changelog = path.join(options.directory, 'CHANGELOG.md');
    const releases = parseChangelog(await fs.readFile(changelog, 'utf8'));
    if (releases.length === 0) {
      throw new Error(`${changelog} lists no release (## <version> headings)`);
    }
    const steps = YAML.parse(
      await fs.readFile(
        path.join(options.directory, 'form', 'steps.yaml'),
        'utf8',
      ),
    ) as unknown;
    const rendered = renderedVersion(steps);
    if (rendered !== releases[0].version) {
      throw new Error(
        `${options.directory}: form/steps.yaml renders templateVersion ${rendered}, but CHANGELOG.md's newest release is ${releases[0].version}; release both together`,
      );
    }
    const missing = releases.slice(1).filter(r => !r.commit);
    if (options.history === undefined && releases.length > 1) {
      // Upgrades still work from the newest release; older ones cannot be read.
    } else if (
      missing.length > 0 &&
      releases.indexOf(missing[0]) < releases.length - 1
    ) {
      // Only the oldest release may lack a commit (nothing was recorded before it).
      throw new Error(
        `CHANGELOG.md: release ${missing[0].version} has no "Commit: <sha>" line (the portal commit that holds it)`,
      );
    }
    const cacheDir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'template-releases-'),
    );
    return new TemplateReleases(
      options.directory,
      options.templates,
      releases,
      options.history,
      options.historyPath ?? 'templates/golden-path',
      cacheDir,
      options.historyGithub,
    );
  }

  get current(): string {
    return this.releases[0].version;
  }

  find(version: string): Release | undefined {
    return this.releases.find(r => r.version === version);
  }

  /** The releases after `version`, oldest first. */
  after(version: string): Release[] {
    return this.releases.filter(r => semver.gt(r.version, version)).reverse();
  }

  /**
   * The template folder of a release: the folder itself for the newest,
   * otherwise extracted from the history at the release's commit.
   */
  async folderOf(version: string): Promise<string> {
    const release = this.find(version);
    if (!release) throw new Error(`No release ${version} in CHANGELOG.md`);
    if (release === this.releases[0]) return this.directory;
    if (!release.commit || (!this.history && !this.historyGithub)) {
      throw new Error(
        `Release ${version} cannot be read: ${
          release.commit
            ? 'templateUpgrades.history is not configured'
            : 'CHANGELOG.md names no commit for it'
        }`,
      );
    }
    let folder = this.extracted.get(version);
    if (!folder) {
      folder = this.extract(release.commit, version);
      this.extracted.set(version, folder);
      folder.catch(() => this.extracted.delete(version));
    }
    return folder;
  }

  /** The release's folder read from GitHub at its commit (the Git data API). */
  private async extractFromGithub(
    commit: string,
    version: string,
  ): Promise<string> {
    if (!/^[0-9a-f]{40}$/.test(commit)) {
      throw new Error(
        `Release ${version}: CHANGELOG.md must name the full 40-character commit for GitHub to find it`,
      );
    }
    const { client, repo } = this.historyGithub!;
    const { tree } = await client.readTree(repo, commit, this.historyPath);
    if (tree.size === 0) {
      throw new Error(
        `Release ${version} is not in ${repo.owner}/${repo.repo} at ${commit} (${this.historyPath})`,
      );
    }
    const target = path.join(this.cacheDir, version);
    for (const [file, content] of tree) {
      const full = path.join(target, file);
      if (!full.startsWith(`${target}${path.sep}`)) continue;
      await fs.mkdir(path.dirname(full), { recursive: true });
      await fs.writeFile(full, content);
    }
    return target;
  }

  private async extract(commit: string, version: string): Promise<string> {
    // A local history (development, tests) first; GitHub in production.
    if (!this.history) return this.extractFromGithub(commit, version);
    const history = this.history;
    const { stdout: top } = await run('git', [
      '-C',
      history,
      'rev-parse',
      '--show-toplevel',
    ]);
    // Where the folder is inside the history: the backend may run from a
    // copy of the repository (a container image, a layout), not from it.
    const relative = this.historyPath;
    const target = path.join(this.cacheDir, version);
    await fs.mkdir(target, { recursive: true });
    const archive = path.join(this.cacheDir, `${version}.tar`);
    try {
      await run('git', [
        '-C',
        top.trim(),
        'archive',
        '--format=tar',
        `--output=${archive}`,
        commit,
        '--',
        relative,
      ]);
    } catch (e) {
      throw new Error(
        `Release ${version} is not in the history at commit ${commit}: ${
          (e as { stderr?: string }).stderr?.trim() || (e as Error).message
        }`,
      );
    }
    await run('tar', ['-xf', archive, '-C', target]);
    await fs.rm(archive, { force: true });
    return path.join(target, relative);
  }
}

/** `templateVersion` of the values of form/steps.yaml's fetch:template steps. */
function renderedVersion(steps: unknown): string | undefined {
  if (!Array.isArray(steps)) return undefined;
  for (const step of steps) {
    const version = (
      step as { input?: { values?: { templateVersion?: unknown } } }
    )?.input?.values?.templateVersion;
    if (typeof version === 'string') return version;
  }
  return undefined;
}
