import { mockServices } from '@backstage/backend-test-utils';
import { PreparerBuilder } from '@backstage/plugin-techdocs-node';
import fs from 'node:fs';
import path from 'node:path';
import { TechDocsRunbookFinder } from './services/RunbookFinder';

// The runbooks this repository ships (platform docs and each service's docs)
// must all be readable by the portal: valid front matter, alerts named.
const repoRoot = path.resolve(__dirname, '../../..');
const sites: [string, string][] = [
  ['docs', repoRoot],
  ...fs
    .readdirSync(path.join(repoRoot, 'catalog/services'))
    .map(
      svc =>
        [svc, path.join(repoRoot, 'catalog/services', svc)] as [string, string],
    ),
];

describe.each(sites)('runbooks of %s', (name, siteDir) => {
  const finder = new TechDocsRunbookFinder({
    preparers: {
      get: () => ({
        prepare: async () => ({ preparedDir: siteDir, etag: '' }),
        shouldCleanPreparedDirectory: () => false,
      }),
    } as unknown as PreparerBuilder,
    logger: mockServices.logger.mock(),
    staleAfterDays: 90,
  });
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations: { 'backstage.io/techdocs-ref': 'dir:.' } },
    spec: {},
  };

  it('all have valid front matter', async () => {
    const { runbooks, problems } = await finder.find(entity);
    expect(problems).toEqual([]);
    expect(runbooks.map(r => r.id)).toEqual(
      expect.arrayContaining(['slo-burn', 'dead-letters-piling-up']),
    );
    for (const r of runbooks.filter(x => x.severity !== 'info')) {
      expect({ id: r.id, alerts: r.alerts.length > 0 }).toEqual({
        id: r.id,
        alerts: true,
      });
    }
  });
});
