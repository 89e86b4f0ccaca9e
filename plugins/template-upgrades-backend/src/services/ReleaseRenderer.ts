import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import { goldenPathTemplateFilters } from '@internal/plugin-scaffolder-backend-module-golden-path';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

type FetchStep = {
  url: string;
  copyWithoutTemplating?: string[];
};

/**
 * The fetch:template steps of a release's form/steps.yaml, in order, with
 * `${{ parameters.language }}` resolved: what the scaffolder renders.
 */
export async function fetchStepsOf(
  folder: string,
  language: string,
): Promise<FetchStep[]> {
  const steps = YAML.parse(
    await fs.readFile(path.join(folder, 'form', 'steps.yaml'), 'utf8'),
  ) as Array<{ action?: string; input?: Record<string, unknown> }>;
  return steps
    .filter(s => s.action === 'fetch:template')
    .map(s => ({
      url: String(s.input?.url).replace(
        /\$\{\{\s*parameters\.language\s*\}\}/g,
        language,
      ),
      copyWithoutTemplating: s.input?.copyWithoutTemplating as
        | string[]
        | undefined,
    }));
}

/**
 * Renders a release of the golden path with a service's recorded values,
 * with the scaffolder's own fetch:template action (the same templating, the
 * same file-name rules, the golden-path filters): the repository as that
 * release would have generated it.
 */
export class ReleaseRenderer {
  private readonly action: ReturnType<typeof createFetchTemplateAction>;
  private readonly logger: LoggerService;

  constructor(options: {
    urlReader: UrlReaderService;
    integrations: ScmIntegrations;
    logger: LoggerService;
  }) {
    this.action = createFetchTemplateAction({
      reader: options.urlReader,
      integrations: options.integrations,
      additionalTemplateFilters: goldenPathTemplateFilters,
    });
    this.logger = options.logger;
  }

  async render(options: {
    folder: string;
    version: string;
    values: Record<string, unknown>;
    into: string;
  }): Promise<void> {
    const language = String(options.values.language);
    if (!/^[a-z]+$/.test(language)) {
      throw new Error(
        `The recorded language ${JSON.stringify(
          language,
        )} is not a skeleton name`,
      );
    }
    // The release's own version, as its steps pass it.
    const values = { ...options.values, templateVersion: options.version };
    await fs.mkdir(options.into, { recursive: true });
    for (const step of await fetchStepsOf(options.folder, language)) {
      await this.action.handler({
        workspacePath: options.into,
        logger: this.logger,
        templateInfo: {
          baseUrl: `file://${options.folder}/svc-${language}.yaml`,
          entityRef: `template:default/svc-${language}`,
        },
        input: {
          url: step.url,
          values,
          copyWithoutTemplating: step.copyWithoutTemplating,
        },
        output: () => {},
        checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
        createTemporaryDirectory: async () =>
          fs.mkdtemp(path.join(os.tmpdir(), 'upgrade-render-')),
        getInitiatorCredentials: async () => ({
          $$type: '@backstage/BackstageCredentials',
          principal: { type: 'none' },
        }),
        isDryRun: false,
        signal: new AbortController().signal,
      } as never);
    }
  }
}
