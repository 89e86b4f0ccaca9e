import { RootConfigService } from '@backstage/backend-plugin-api';
import path from 'node:path';
import { z } from 'zod';

export interface TemplateUpgradesConfig {
  goldenPath: {
    directory: string;
    templates: string[];
    history?: string;
    historyPath: string;
    historyGithub?: string;
  };
  localRepositories: string[];
  /** Upgrades of repositories on GitHub as pull requests (the GitHub integration's credentials). */
  github?: { host: string };
}

const folder = z.string().trim().min(1, 'expected a folder');
const schema = z
  .strictObject({
    goldenPath: z.strictObject({
      directory: folder,
      templates: z
        .array(
          z
            .string()
            .regex(
              /^template:default\/[a-z0-9-]{1,60}$/,
              'expected template:default/<name>',
            ),
        )
        .min(1, 'name at least one template'),
      history: folder.optional(),
      historyPath: z
        .string()
        .regex(
          /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
          'expected a relative path such as templates/golden-path',
        )
        .refine(p => !p.split('/').includes('..'), 'must not contain ..')
        .default('templates/golden-path'),
      historyGithub: z
        .string()
        .regex(
          /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/,
          'expected owner/repository',
        )
        .optional(),
    }),
    localRepositories: z.array(folder).default([]),
    github: z
      .strictObject({
        host: z
          .string()
          .regex(/^[a-z0-9.-]+(:\d+)?$/, 'expected a host such as github.com')
          .default('github.com'),
      })
      .optional(),
  })
  // Older releases are read from GitHub with the integration's credentials.
  .refine(c => !c.goldenPath.historyGithub || c.github !== undefined, {
    path: ['goldenPath', 'historyGithub'],
    message: 'set templateUpgrades.github too',
  });

/**
 * Reads and checks `templateUpgrades` at start-up; folders are resolved
 * against the backend's working directory. Unset: the plugin is off (its
 * routes say so).
 */
export function readTemplateUpgradesConfig(
  config: RootConfigService,
): TemplateUpgradesConfig | undefined {
  const raw = config.getOptional('templateUpgrades');
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.reduce<string>(
      (k, p) => (typeof p === 'number' ? `${k}[${p}]` : `${k}.${String(p)}`),
      'templateUpgrades',
    );
    throw new Error(`Invalid config ${key}: ${issue.message}`);
  }
  const { goldenPath, localRepositories, github } = parsed.data;
  return {
    goldenPath: {
      directory: path.resolve(goldenPath.directory),
      templates: goldenPath.templates,
      history: goldenPath.history && path.resolve(goldenPath.history),
      historyPath: goldenPath.historyPath,
      historyGithub: goldenPath.historyGithub,
    },
    localRepositories: localRepositories.map(r => path.resolve(r)),
    github,
  };
}
