import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DriftList,
  RECORD_FILE,
  ServiceDrift,
  TEMPLATE_ANNOTATION,
  TEMPLATE_VERSION_ANNOTATION,
  UpgradeProposal,
  UpgradeResult,
} from '@internal/plugin-template-upgrades-common';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import { ReleaseRenderer } from './ReleaseRenderer';
import {
  RepositoryHead,
  ServiceRepositories,
  ServiceRepository,
} from './ServiceRepositories';
import { TemplateReleases } from './TemplateReleases';
import { MergedFile, diffOf, readTree, threeWayMerge } from './threeWayMerge';

/** .golden-path.json, as the template writes it; read from the repository, so checked. */
const recordSchema = z.object({
  template: z
    .string()
    .regex(
      /^template:default\/[a-z0-9-]{1,60}$/,
      'expected template:default/<name>',
    ),
  version: z
    .string()
    .refine(v => semver.valid(v) === v, 'expected a release such as 1.1.0'),
  values: z
    .object({
      language: z.string().regex(/^[a-z]{1,20}$/, 'expected a skeleton name'),
      name: z.string().regex(/^[a-z0-9-]{1,63}$/, 'expected a service name'),
    })
    .passthrough(),
});

const BRANCH_PREFIX = 'golden-path/upgrade-';

type Computed = {
  proposal: UpgradeProposal;
  merged: MergedFile[];
  repo: ServiceRepository;
  repoHead: RepositoryHead;
};

/**
 * Template upgrades: which generated services are behind their template's
 * newest release (from the catalog's annotations, at every request: no
 * bookkeeping), and for one service the upgrade: both releases rendered
 * with its recorded values and merged three ways with its repository, then
 * committed on a branch of its repository.
 */
export class UpgradeService {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      releases: TemplateReleases;
      renderer: ReleaseRenderer;
      repositories: ServiceRepositories;
      logger: LoggerService;
    },
  ) {}

  async drift(credentials: BackstageCredentials): Promise<DriftList> {
    const { releases } = this.options;
    const { items } = await this.options.catalog.getEntities(
      {
        filter: {
          kind: 'Component',
          [`metadata.annotations.${TEMPLATE_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
      },
      { credentials },
    );
    const services = items
      .map(e => this.driftOf(e))
      .filter((d): d is ServiceDrift => d !== undefined)
      .sort(
        (a, b) => b.behind - a.behind || a.entityRef.localeCompare(b.entityRef),
      );
    return {
      templates: releases.templates.map(template => ({
        template,
        current: releases.current,
      })),
      services,
    };
  }

  /** Where one generated service stands; undefined when it is not one of ours. */
  driftOf(entity: Entity): ServiceDrift | undefined {
    const { releases } = this.options;
    const annotations = entity.metadata.annotations ?? {};
    const template = annotations[TEMPLATE_ANNOTATION];
    if (!template || !releases.templates.includes(template)) return undefined;
    const version = annotations[TEMPLATE_VERSION_ANNOTATION] ?? '';
    const base = {
      entityRef: stringifyEntityRef(entity),
      title: entity.metadata.title,
      owner: entity.relations?.find(r => r.type === RELATION_OWNED_BY)
        ?.targetRef,
      template,
      version,
      current: releases.current,
    };
    const release = semver.valid(version) ? releases.find(version) : undefined;
    if (!release) {
      return { ...base, status: 'unknown-version', behind: 0, releases: [] };
    }
    const after = releases.after(version);
    if (after.length === 0) {
      return { ...base, status: 'current', behind: 0, releases: [] };
    }
    const notes = after.map(({ version: v, date, notes: n }) => ({
      version: v,
      date,
      notes: n,
    }));
    // Its release must be readable to be the merge's base.
    const readable = release.commit !== undefined;
    return {
      ...base,
      status: readable ? 'behind' : 'not-upgradable',
      behind: after.length,
      releases: notes,
    };
  }

  async proposal(entity: Entity): Promise<UpgradeProposal> {
    return (await this.compute(entity)).proposal;
  }

  async upgrade(
    entity: Entity,
    author: { name: string; email: string },
  ): Promise<UpgradeResult> {
    const { proposal, merged, repo, repoHead } = await this.compute(entity);
    const changed = merged.filter(f => f.change !== 'kept');
    const notes = proposal.releases.flatMap(r => [
      `${r.version}:`,
      ...r.notes.map(n => `- ${n}`),
    ]);
    const conflicts = proposal.conflicts.length
      ? [
          '',
          'Conflicts to resolve by hand (the files carry conflict markers):',
          ...proposal.conflicts.map(c => `- ${c}`),
        ]
      : [];
    const title = `Upgrade to golden path ${proposal.to} (from ${proposal.from})`;
    const message = [
      title,
      '',
      ...notes,
      ...conflicts,
      '',
      'Proposed by the Local-Plus Developer Portal (Template upgrades).',
    ].join('\n');
    let commit: string;
    let pullRequestUrl: string | undefined;
    if (repo.kind === 'github') {
      const opened = await this.options.repositories.openPullRequest(repo, {
        head: repoHead.head,
        headTree: repoHead.headTree!,
        base: repoHead.base!,
        branch: proposal.target.branch,
        title,
        message,
        body: message.split('\n').slice(2).join('\n'),
        files: changed.map(f => ({ path: f.path, content: f.content })),
        author,
      });
      commit = opened.commit;
      pullRequestUrl = opened.url;
    } else {
      commit = await this.options.repositories.commitBranch(repo, {
        head: repoHead.head,
        branch: proposal.target.branch,
        message,
        files: changed.map(f => ({ path: f.path, content: f.content })),
        author,
      });
    }
    return {
      entityRef: proposal.entityRef,
      from: proposal.from,
      to: proposal.to,
      branch: proposal.target.branch,
      commit,
      pullRequestUrl,
      conflicts: proposal.conflicts,
    };
  }

  private async compute(entity: Entity): Promise<Computed> {
    const { releases, renderer, repositories } = this.options;
    const drift = this.driftOf(entity);
    const ref = stringifyEntityRef(entity);
    if (!drift) {
      throw new InputError(
        `${ref} was not generated from a template the portal upgrades`,
      );
    }
    if (drift.status === 'current') {
      throw new ConflictError(
        `${ref} is at ${drift.version}, the newest release: nothing to upgrade`,
      );
    }
    if (drift.status !== 'behind') {
      throw new ConflictError(
        `${ref} is at release ${
          drift.version || '(none)'
        }, which the portal cannot render (${
          drift.status === 'unknown-version'
            ? 'not in the changelog'
            : 'no recorded commit'
        }): upgrade it by hand to ${drift.current}`,
      );
    }
    const repo = await repositories.locate(entity);
    const repoHead = await repositories.headOf(repo);
    const { tree: ours } = repoHead;
    const raw = ours.get(RECORD_FILE);
    if (!raw) {
      throw new ConflictError(
        `${ref}'s repository has no ${RECORD_FILE}: its values are not recorded`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new InputError(`${RECORD_FILE} of ${ref} is not JSON`);
    }
    const parsed = recordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        `${RECORD_FILE} of ${ref}: ${issue.path.join('.')}: ${issue.message}`,
      );
    }
    // Checked, but rendered with the values as written: their order is the
    // order .golden-path.json lists them in, which the render repeats.
    const record = {
      ...parsed.data,
      values: (json as { values: Record<string, unknown> }).values,
    };
    if (
      record.version !== drift.version ||
      record.template !== drift.template
    ) {
      throw new ConflictError(
        `${ref}: catalog-info.yaml says ${drift.template} ${drift.version}, ${RECORD_FILE} says ${record.template} ${record.version}; make them agree first`,
      );
    }
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'upgrade-'));
    try {
      const render = async (version: string) => {
        const into = path.join(work, version);
        await renderer.render({
          folder: await releases.folderOf(version),
          version,
          values: record.values,
          into,
        });
        return readTree(into);
      };
      const [base, theirs] = [
        await render(drift.version),
        await render(drift.current),
      ];
      const merged = await threeWayMerge(base, ours, theirs, {
        ours: `${entity.metadata.name} (your repository)`,
        base: `golden path ${drift.version}`,
        theirs: `golden path ${drift.current}`,
      });
      const conflicts = merged
        .filter(f => f.change === 'conflict')
        .map(f => f.path);
      return {
        repo,
        repoHead,
        merged,
        proposal: {
          entityRef: ref,
          template: drift.template,
          from: drift.version,
          to: drift.current,
          releases: drift.releases,
          files: merged.map(f => ({
            path: f.path,
            change: f.change,
            diff: diffOf(f),
          })),
          conflicts,
          target:
            repo.kind === 'github'
              ? {
                  kind: 'github-pull-request',
                  repository: `${repo.owner}/${repo.repo}`,
                  branch: `${BRANCH_PREFIX}${drift.current}`,
                }
              : {
                  kind: 'local-branch',
                  // Its folder name: where it is on the host stays on the host.
                  repository: path.basename(repo.directory),
                  branch: `${BRANCH_PREFIX}${drift.current}`,
                },
        },
      };
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }
}
