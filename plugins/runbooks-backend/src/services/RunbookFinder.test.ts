import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { PreparerBuilder } from '@backstage/plugin-techdocs-node';
import { TechDocsRunbookFinder } from './RunbookFinder';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-ledger',
    annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
  },
  spec: {},
};

const frontMatter = (title: string, reviewed: string, extra = '') =>
  `---\ntitle: ${title}\nalerts: [SLOErrorBudgetBurnPage]\nseverity: page\nowner: group:default/product-team\nlast_reviewed: ${reviewed}\n${extra}---\n\n# ${title}\n`;

describe('TechDocsRunbookFinder', () => {
  const site = createMockDirectory();
  const preparers = {
    get: () => ({
      prepare: async () => ({ preparedDir: site.path, etag: 'x' }),
      shouldCleanPreparedDirectory: () => false,
    }),
  } as unknown as PreparerBuilder;
  const finder = new TechDocsRunbookFinder({
    preparers,
    logger: mockServices.logger.mock(),
    staleAfterDays: 90,
    now: () => new Date('2026-11-25T12:00:00Z'),
  });

  it('reads runbooks from docs_dir/runbooks, skipping the index', async () => {
    site.setContent({
      'mkdocs.yml':
        'site_name: svc-ledger\ndocs_dir: pages\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:materialx.emoji.twemoji\n',
      'pages/index.md': '# svc-ledger',
      'pages/runbooks/index.md': '# Runbooks',
      'pages/runbooks/slo-burn.md': frontMatter('SLO burn', '2026-11-01'),
      'pages/runbooks/outbox-relay-stalled.md': frontMatter(
        'Outbox relay stalled',
        '2026-07-01',
      ),
    });
    const { runbooks, problems } = await finder.find(entity);
    expect(problems).toEqual([]);
    expect(runbooks.map(r => [r.id, r.title, r.stale])).toEqual([
      ['outbox-relay-stalled', 'Outbox relay stalled', true],
      ['slo-burn', 'SLO burn', false],
    ]);
    expect(runbooks[1].docsPath).toBe(
      '/docs/default/component/svc-ledger/runbooks/slo-burn/',
    );
  });

  it('reports a file with bad front matter and still returns the others', async () => {
    site.setContent({
      'mkdocs.yml': 'site_name: svc-ledger\n',
      'docs/runbooks/good.md': frontMatter('Good', '2026-11-01'),
      'docs/runbooks/broken.md':
        '---\ntitle: Broken\nseverity: sometimes\n---\n',
    });
    const { runbooks, problems } = await finder.find(entity);
    expect(runbooks.map(r => r.id)).toEqual(['good']);
    expect(problems).toEqual([
      {
        file: 'runbooks/broken.md',
        message: expect.stringContaining("field 'severity'"),
      },
    ]);
  });

  it('finds nothing for an entity without docs or without a runbooks folder', async () => {
    site.setContent({ 'mkdocs.yml': 'site_name: x\n', 'docs/index.md': '# x' });
    expect(await finder.find(entity)).toEqual({ runbooks: [], problems: [] });
    const noDocs = { ...entity, metadata: { name: 'svc-x' } };
    expect(await finder.find(noDocs)).toEqual({ runbooks: [], problems: [] });
  });
});
