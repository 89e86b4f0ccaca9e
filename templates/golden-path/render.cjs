#!/usr/bin/env node
/* Renders a golden-path service as its template does: templates/golden-path/
 * shared, then the skeleton of the values' `language` (typescript unless
 * they say otherwise), with the scaffolder's own fetch:template action (same
 * templating engine, same file-skipping rules, the golden-path module's
 * template filters), for working on the skeletons without the portal running.
 *
 *   node templates/golden-path/render.cjs <output-dir> [values.json]
 *
 * Values default to templates/golden-path/example-values.json.
 * GOLDEN_PATH_TEMPLATE_DIR=<folder> renders that copy of the golden path
 * (an older release) instead of this one. */
const path = require('node:path');
const fs = require('node:fs');
const { ConfigReader } = require('@backstage/config');
const { UrlReaders } = require('@backstage/backend-defaults/urlReader');
const { ScmIntegrations } = require('@backstage/integration');
const { createFetchTemplateAction } = require('@backstage/plugin-scaffolder-backend');
const os = require('node:os');
// The golden-path module's template filters (sqlIdentifier, sqlString), read
// from its TypeScript source as `backstage-cli package start` does.
require('@backstage/cli/config/nodeTransform.cjs');
const {
  goldenPathTemplateFilters,
} = require('@internal/plugin-scaffolder-backend-module-golden-path/src/templateFilters.ts');

async function main() {
  const [outDir, valuesFile] = process.argv.slice(2);
  if (!outDir) throw new Error('usage: render.cjs <output-dir> [values.json]');
  // Another release's folder (scripts/dev-upgrade-demo.cjs renders an older
  // one extracted from git), this one by default.
  const templateDir = path.resolve(process.env.GOLDEN_PATH_TEMPLATE_DIR ?? __dirname);
  const values = {
    // What svc-<language>.yaml computes with the portal's todayUtc() global.
    generatedOn: new Date().toISOString().slice(0, 10),
    ...JSON.parse(
      fs.readFileSync(valuesFile ?? path.join(templateDir, 'example-values.json'), 'utf8'),
    ),
  };
  const config = new ConfigReader({});
  const logger = {
    info: () => {},
    debug: () => {},
    warn: m => console.warn(m),
    error: m => console.error(m),
    child: () => logger,
  };
  const reader = UrlReaders.default({ config, logger });
  const action = createFetchTemplateAction({
    reader,
    integrations: ScmIntegrations.fromConfig(config),
    additionalTemplateFilters: goldenPathTemplateFilters,
  });
  const workspacePath = path.resolve(outDir);
  fs.mkdirSync(workspacePath, { recursive: true });
  // The slice of the action context fetch:template uses.
  // As svc-typescript.yaml passes it.
  values.language ??= 'typescript';
  const { language } = values;
  if (!fs.existsSync(path.join(templateDir, language))) {
    throw new Error(`no skeleton for language ${JSON.stringify(language)}`);
  }
  const ctx = input => ({
    workspacePath,
    logger,
    templateInfo: {
      baseUrl: `file://${templateDir}/svc-${language}.yaml`,
      entityRef: `template:default/svc-${language}`,
    },
    input,
    output: () => {},
    checkpoint: async ({ fn }) => fn(),
    createTemporaryDirectory: async () => fs.mkdtempSync(path.join(os.tmpdir(), 'render-')),
    getInitiatorCredentials: async () => ({ $$type: '@backstage/BackstageCredentials', principal: { type: 'none' } }),
    isDryRun: false,
    signal: new AbortController().signal,
  });
  // The two fetch:template steps of svc-<language>.yaml.
  await action.handler(ctx({ url: './shared', values }));
  await action.handler(
    ctx({ url: `./${language}`, values, copyWithoutTemplating: ['.github/workflows/*'] }),
  );
  console.log(`rendered into ${workspacePath}`);
}
main().catch(e => { console.error(e); process.exit(1); });
