import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import {
  createTemplateAction,
  executeShellCommand,
} from '@backstage/plugin-scaffolder-node';
import fs from 'fs-extra';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A repository name: one path segment, no dot-dot, no hidden folder. */
const REPO_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/**
 * Reads `scaffolder.localPublish.targetDirectory`, resolved against the
 * backend's working directory. Undefined when not configured: the action
 * then refuses to run with a message that names the key.
 */
export function readTargetDirectory(config: Config): string | undefined {
  const dir = config.getOptionalString(
    'scaffolder.localPublish.targetDirectory',
  );
  return dir ? path.resolve(dir) : undefined;
}

/**
 * `publish:local` writes the generated repository to a folder on the backend
 * host and makes it a git repository with one commit, so it can be cloned.
 * It stands in for `publish:github` where no Git host can be reached: in
 * development and in the portal's own tests.
 */
export function createPublishLocalAction(options: {
  targetDirectory: string | undefined;
}) {
  return createTemplateAction({
    id: 'publish:local',
    description:
      'Writes the workspace to <scaffolder.localPublish.targetDirectory>/<repoName> as a git repository with one commit.',
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .regex(REPO_NAME, {
              message:
                'repoName must be lower-case letters, digits, ".", "_" or "-", start with a letter or digit, and be at most 100 characters',
            })
            .refine(v => !v.includes('..'), {
              message: 'repoName must not contain ".."',
            })
            .describe('Name of the folder (and repository) to create'),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Sub-folder of the workspace to publish; the whole workspace by default',
            ),
        defaultBranch: z =>
          z
            .string()
            .regex(/^[A-Za-z0-9._/-]{1,100}$/)
            .default('main')
            .describe('Branch of the first commit'),
        gitAuthorName: z => z.string().max(200).default('Local-Plus Portal'),
        gitAuthorEmail: z =>
          z.string().email().max(200).default('portal@local-plus.example'),
      },
      output: {
        remoteUrl: z => z.string().describe('file:// URL of the repository'),
        repoContentsUrl: z => z.string().describe('file:// URL of its files'),
        targetPath: z => z.string().describe('Absolute path of the repository'),
      },
    },
    async handler(ctx) {
      const { targetDirectory } = options;
      if (!targetDirectory) {
        throw new InputError(
          'publish:local is not configured: set scaffolder.localPublish.targetDirectory',
        );
      }
      const { repoName, defaultBranch, gitAuthorName, gitAuthorEmail } =
        ctx.input;
      // Throws if repoName were to escape the target folder.
      const targetPath = resolveSafeChildPath(targetDirectory, repoName);
      const sourceDir = ctx.input.sourcePath
        ? resolveSafeChildPath(ctx.workspacePath, ctx.input.sourcePath)
        : ctx.workspacePath;
      const url = pathToFileURL(targetPath).href;

      ctx.output('remoteUrl', url);
      ctx.output('repoContentsUrl', url);
      ctx.output('targetPath', targetPath);

      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would publish ${sourceDir} to ${targetPath}`);
        return;
      }
      if (await fs.pathExists(targetPath)) {
        throw new ConflictError(
          `${targetPath} already exists; choose another repository name`,
        );
      }

      await fs.ensureDir(targetDirectory);
      await fs.copy(sourceDir, targetPath, {
        errorOnExist: true,
        // Symlinks in the workspace are not followed out of it.
        dereference: false,
      });

      const git = async (...args: string[]) =>
        executeShellCommand({
          command: 'git',
          args,
          options: {
            cwd: targetPath,
            env: {
              ...process.env,
              GIT_AUTHOR_NAME: gitAuthorName,
              GIT_AUTHOR_EMAIL: gitAuthorEmail,
              GIT_COMMITTER_NAME: gitAuthorName,
              GIT_COMMITTER_EMAIL: gitAuthorEmail,
            },
          },
          logger: ctx.logger,
        });
      await git('init', '--quiet', `--initial-branch=${defaultBranch}`);
      await git('add', '--all');
      await git(
        'commit',
        '--quiet',
        '--no-gpg-sign',
        '-m',
        'Initial commit from the Local-Plus portal',
      );
      ctx.logger.info(`Published ${repoName} to ${targetPath}`);
    },
  });
}
