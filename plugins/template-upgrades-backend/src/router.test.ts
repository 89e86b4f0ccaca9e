import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import { UpgradeService } from './services/UpgradeService';

const demo: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-demo',
    namespace: 'default',
    annotations: {
      'local-plus.io/template': 'template:default/svc-typescript',
      'local-plus.io/template-version': '1.1.0',
    },
  },
  spec: { type: 'service', owner: 'group:default/product-team' },
};

async function makeApp(options: {
  configured?: boolean;
  create?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
}) {
  const upgrade = jest.fn(async () => ({
    entityRef: 'component:default/svc-demo',
    from: '1.1.0',
    to: '1.2.0',
    branch: 'golden-path/upgrade-1.2.0',
    commit: 'abc',
    conflicts: [],
  }));
  const upgrades = {
    driftOf: () => ({ status: 'behind' }),
    upgrade,
  } as unknown as UpgradeService;
  const auditor = mockServices.auditor.mock();
  const events: string[] = [];
  auditor.createEvent.mockImplementation(async () => ({
    success: async () => {
      events.push('success');
    },
    fail: async () => {
      events.push('fail');
    },
  }));
  const authorize = jest.fn(async (requests: any[]) =>
    requests.map(r => ({
      result:
        r.permission.name === 'template-upgrades.create'
          ? options.create ?? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })),
  );
  const router = await createRouter({
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions.mock({ authorize } as any),
    auditor,
    catalog: catalogServiceMock({ entities: [demo] }),
    upgrades: options.configured === false ? undefined : upgrades,
    logger: mockServices.logger.mock(),
    errorSettings: { exposeDetails: false },
  });
  const app = express().use(router).use(mockErrorHandler());
  return { app, upgrade, events, authorize };
}

describe('template-upgrades router', () => {
  it('says how to turn it on when it is not configured', async () => {
    const { app } = await makeApp({ configured: false });
    const res = await request(app).get('/drift');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^Template upgrades are not configured: set templateUpgrades.goldenPath in the portal config \(request id \w+\)$/,
    );
  });

  it.each([
    ['/drift?all=1', "Invalid query: unknown parameter 'all'"],
    [
      '/entities/component/default/..%2F..%2Fetc/proposal',
      'Invalid entity reference name: expected an entity name',
    ],
  ])('refuses %s with a 400 naming the problem', async (path, message) => {
    const { app } = await makeApp({});
    const res = await request(app).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(message);
  });

  it("creates the upgrade only for the entity's owners and admins, checked on that entity, and audits both outcomes", async () => {
    const refused = await makeApp({ create: AuthorizeResult.DENY });
    const no = await request(refused.app).post(
      '/entities/component/default/svc-demo/upgrade',
    );
    expect(no.status).toBe(403);
    expect(no.body.error.message).toBe(
      'You may not upgrade component:default/svc-demo: its owning team and platform admins may',
    );
    expect(refused.upgrade).not.toHaveBeenCalled();
    expect(refused.events).toEqual(['fail']);
    expect(refused.authorize.mock.calls[0][0]).toEqual([
      expect.objectContaining({ resourceRef: 'component:default/svc-demo' }),
    ]);

    const allowed = await makeApp({ create: AuthorizeResult.ALLOW });
    const yes = await request(allowed.app).post(
      '/entities/component/default/svc-demo/upgrade',
    );
    expect(yes.status).toBe(201);
    expect(yes.body.branch).toBe('golden-path/upgrade-1.2.0');
    expect(allowed.events).toEqual(['success']);
  });

  it('refuses a body, and a service token', async () => {
    const { app, upgrade } = await makeApp({ create: AuthorizeResult.ALLOW });
    const body = await request(app)
      .post('/entities/component/default/svc-demo/upgrade')
      .send({ branch: 'main' });
    expect(body.status).toBe(400);
    const service = await request(app)
      .post('/entities/component/default/svc-demo/upgrade')
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(403);
    expect(upgrade).not.toHaveBeenCalled();
  });
});
