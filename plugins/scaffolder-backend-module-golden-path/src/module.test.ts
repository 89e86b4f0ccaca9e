import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { scaffolderModuleGoldenPath } from './module';

describe('scaffolderModuleGoldenPath', () => {
  async function listActions(localPublish: {
    [key: string]: string | boolean;
  }) {
    const backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: { scaffolder: { localPublish } },
        }),
        catalogServiceMock.factory(),
        scaffolderPlugin,
        scaffolderModuleGoldenPath,
      ],
    });
    try {
      const res = await fetch(
        `http://localhost:${backend.server.port()}/api/scaffolder/v2/actions`,
      );
      expect(res.status).toBe(200);
      return ((await res.json()) as Array<{ id: string }>).map(a => a.id);
    } finally {
      await backend.stop();
    }
  }

  const always = [
    'publish:local:settings',
    'catalog:entity:assert-absent',
    'catalog:entity:wait-for',
  ];
  const local = ['publish:local', 'catalog:register:local'];

  it('configured as in production, offers neither publish:local nor catalog:register:local', async () => {
    const ids = await listActions({
      targetDirectory: '/tmp/unused',
      enabled: false,
    });
    expect(ids).toEqual(expect.arrayContaining(always));
    for (const id of local) expect(ids).not.toContain(id);
  });

  it('without a target folder, does not offer them either', async () => {
    const ids = await listActions({});
    for (const id of local) expect(ids).not.toContain(id);
  });

  it('with local publishing on, offers them', async () => {
    const ids = await listActions({ targetDirectory: '/tmp/unused' });
    expect(ids).toEqual(expect.arrayContaining([...always, ...local]));
  });
});
