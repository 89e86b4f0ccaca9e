/** One release of a template, from its CHANGELOG.md. */
export interface TemplateRelease {
  version: string;
  /** YYYY-MM-DD, as the changelog gives it. */
  date?: string;
  /** The changelog's bullet points, as written. */
  notes: string[];
}

/**
 * Where a service stands: `current`, `behind` (releases to take),
 * `unknown-version` (a release the changelog does not list), or
 * `not-upgradable` (generated before releases were recorded).
 */
export type DriftStatus =
  | 'current'
  | 'behind'
  | 'unknown-version'
  | 'not-upgradable';

export interface ServiceDrift {
  entityRef: string;
  title?: string;
  owner?: string;
  template: string;
  /** The release the service is at (its annotation). */
  version: string;
  /** The template's newest release. */
  current: string;
  status: DriftStatus;
  /** How many releases it is behind (0 when current). */
  behind: number;
  /** The releases after its own, oldest first: what an upgrade brings. */
  releases: TemplateRelease[];
}

/** `GET /drift`: every generated service, most behind first. */
export interface DriftList {
  templates: { template: string; current: string }[];
  services: ServiceDrift[];
}

/**
 * How a file comes out of the upgrade:
 *  - `template`: only the template changed it: the new release's version;
 *  - `merged`: both changed it, the changes merged cleanly;
 *  - `conflict`: both changed the same lines: the file carries conflict
 *    markers, to resolve by hand;
 *  - `added` / `deleted`: the new release adds or removes it;
 *  - `kept`: only the service changed it: left as it is (listed, no diff).
 */
export type FileChange =
  | 'template'
  | 'merged'
  | 'conflict'
  | 'added'
  | 'deleted'
  | 'kept';

export interface UpgradeFile {
  path: string;
  change: FileChange;
  /** Unified diff from the repository as it is to the upgraded file ('' for kept). */
  diff: string;
}

/** `GET /entities/…/proposal`: what upgrading the service would change. */
export interface UpgradeProposal {
  entityRef: string;
  template: string;
  from: string;
  to: string;
  releases: TemplateRelease[];
  /** Files the upgrade changes, and the service's own changes it keeps. */
  files: UpgradeFile[];
  conflicts: string[];
  /** Where the upgrade would go: a local repository's branch, or a GitHub pull request. */
  target: {
    kind: 'local-branch' | 'github-pull-request';
    repository: string;
    branch: string;
  };
}

/** `POST /entities/…/upgrade`: what was created. */
export interface UpgradeResult {
  entityRef: string;
  from: string;
  to: string;
  branch: string;
  commit: string;
  /** The pull request, on GitHub. */
  pullRequestUrl?: string;
  conflicts: string[];
}
