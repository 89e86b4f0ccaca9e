import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import permissionPlugin from '@backstage/plugin-permission-backend';
import permissionModuleRoles from '.';

// The module wired into the real permission backend: decisions go through
// POST /api/permission/authorize as they do for every plugin.
describe('permission backend with the Local-Plus role policy', () => {
  async function start(config: object) {
    const { server } = await startTestBackend({
      features: [
        permissionPlugin,
        permissionModuleRoles,
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true, ...config } },
        }),
        // No Authorization header means no credentials, as in production.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    return server;
  }

  async function authorize(
    server: any,
    user: string,
    name: string,
    action?: string,
  ) {
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', mockCredentials.user.header(user))
      .send({
        items: [
          {
            id: '1',
            permission: {
              type: 'basic',
              name,
              attributes: action ? { action } : {},
            },
          },
        ],
      });
    expect(res.status).toBe(200);
    return res.body.items[0].result;
  }

  it('allows a bound developer to scaffold and refuses them deletion', async () => {
    const server = await start({
      roleBindings: { developer: ['user:default/dev'] },
    });
    expect(
      await authorize(
        server,
        'user:default/dev',
        'scaffolder.task.create',
        'create',
      ),
    ).toBe('ALLOW');
    expect(
      await authorize(
        server,
        'user:default/dev',
        'catalog.entity.delete',
        'delete',
      ),
    ).toBe('DENY');
    expect(
      await authorize(
        server,
        'user:default/stranger',
        'catalog.entity.read',
        'read',
      ),
    ).toBe('DENY');
  });

  it('requires credentials', async () => {
    const server = await start({});
    const res = await request(server)
      .post('/api/permission/authorize')
      .send({ items: [] });
    expect(res.status).toBe(401);
  });

  it('refuses to start with an unknown role', async () => {
    await expect(
      start({ roleBindings: { wizard: ['user:default/x'] } }),
    ).rejects.toThrow(/permission\.roleBindings: unknown role 'wizard'/);
  });
});
