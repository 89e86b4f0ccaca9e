import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { factsWith, goldFacts } from './__testUtils__/facts';
import { createRouter } from './router';
import { FactCollector } from './services/FactCollector';
import { ScorecardService } from './services/ScorecardService';
import { ScoreStore } from './services/ScoreStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/product-team' },
});

async function makeApp(
  options: {
    refresh?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    read?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    collectFails?: boolean;
  } = {},
) {
  const knex = await databases.init('SQLITE_3');
  const store = await ScoreStore.create(mockServices.database({ knex }));
  const collector = {
    collect: async () => {
      if (options.collectFails) throw new Error('catalog unreachable');
      return [
        {
          service: {
            entity: component('svc-ledger'),
            entityRef: 'component:default/svc-ledger',
            owner: 'group:default/product-team',
          },
          facts: goldFacts(),
        },
        {
          service: {
            entity: component('svc-wallet'),
            entityRef: 'component:default/svc-wallet',
            owner: 'group:default/product-team',
          },
          facts: factsWith({ apis: { provided: [], withoutDefinition: [] } }),
        },
      ];
    },
  } as unknown as FactCollector;
  const scorecards = new ScorecardService({
    collector,
    store,
    logger: mockServices.logger.mock(),
    retentionDays: 90,
    detailDays: 2,
  });
  const auditor = mockServices.auditor.mock();
  const events: { eventId: string; outcome?: string; meta?: unknown }[] = [];
  auditor.createEvent.mockImplementation(async ({ eventId }) => {
    const event: (typeof events)[number] = { eventId };
    events.push(event);
    return {
      success: async (o?: { meta?: unknown }) => {
        event.outcome = 'success';
        event.meta = o?.meta;
      },
      fail: async () => {
        event.outcome = 'fail';
      },
    };
  });
  const router = await createRouter({
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result:
            r.permission.name === 'scorecards.refresh'
              ? options.refresh ?? AuthorizeResult.DENY
              : options.read ?? AuthorizeResult.ALLOW,
        })),
    }),
    auditor,
    catalog: catalogServiceMock({
      entities: [component('svc-ledger'), component('svc-wallet')],
    }),
    scorecards,
    logger: mockServices.logger.mock(),
    retentionDays: 90,
    frequencyMinutes: 30,
    errorSettings: { exposeDetails: false },
  });
  const app = express();
  app.use(router);
  app.use(mockErrorHandler());
  return { app, scorecards, events };
}

describe('scorecards router', () => {
  it('says when a service has not been scored yet, and serves its card after a collection', async () => {
    const { app, scorecards } = await makeApp();
    const before = await request(app).get(
      '/entities/component/default/svc-ledger',
    );
    expect(before.status).toBe(404);
    expect(before.body.error.message).toBe(
      'component:default/svc-ledger has no scorecard yet: services (components of type service) are scored every 30 minutes',
    );
    await scorecards.collect();
    const after = await request(app).get(
      '/entities/component/default/svc-ledger',
    );
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      entityRef: 'component:default/svc-ledger',
      level: 'gold',
    });
    // An entity the catalog does not have (or does not show this user).
    const missing = await request(app).get(
      '/entities/component/default/svc-none',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      'No entity component:default/svc-none',
    );
  });

  it.each([
    [
      '/rollups?by=team',
      'Invalid query by: expected one of owner, system, domain',
    ],
    ['/rollups', 'Invalid query by: expected one of owner, system, domain'],
    [
      '/trend?days=0',
      'Invalid query days: expected a whole number of days from 1 to 90',
    ],
    [
      '/trend?days=400',
      'Invalid query days: at most 90 days are kept (scorecards.retentionDays)',
    ],
    [
      '/trend?days=1e3',
      'Invalid query days: expected a whole number of days from 1 to 90',
    ],
    [
      '/scorecards?owner=product-team',
      'Invalid query owner: expected an entity reference such as group:default/product-team',
    ],
    ['/scorecards?team=x', "Invalid query: unknown parameter 'team'"],
    ['/ranking?x=1', "Invalid query: unknown parameter 'x'"],
    [
      '/entities/component/default/..%2Fetc',
      'Invalid entity reference name: expected an entity name',
    ],
  ])(
    'refuses %s with a 400 that names the parameter',
    async (path, message) => {
      const { app } = await makeApp();
      const response = await request(app).get(path);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(message);
    },
  );

  it('filters the list by owner, case-insensitively', async () => {
    const { app, scorecards } = await makeApp();
    await scorecards.collect();
    const response = await request(app).get(
      '/scorecards?owner=Group:default/Product-Team',
    );
    expect(response.status).toBe(200);
    expect(
      response.body.services.map((s: { entityRef: string }) => s.entityRef),
    ).toEqual(['component:default/svc-ledger', 'component:default/svc-wallet']);
  });

  it('refuses a reader without scorecards.read', async () => {
    const { app } = await makeApp({ read: AuthorizeResult.DENY });
    const response = await request(app).get('/ranking');
    expect(response.status).toBe(403);
    expect(response.body.error.message).toBe('You may not read scorecards');
  });

  it('refuses a service token: these routes are for people', async () => {
    const { app } = await makeApp();
    const response = await request(app)
      .get('/ranking')
      .set('Authorization', mockCredentials.service.header());
    expect(response.status).toBe(403);
  });

  it('collects now only with scorecards.refresh, and audits who did', async () => {
    const denied = await makeApp();
    const refused = await request(denied.app).post('/refresh');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'You may not collect scorecards now',
    );
    expect(denied.events).toEqual([]);

    const { app, events } = await makeApp({ refresh: AuthorizeResult.ALLOW });
    const response = await request(app).post('/refresh');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ services: 2 });
    expect(events).toEqual([
      {
        eventId: 'scorecards-refresh',
        outcome: 'success',
        meta: { collection: response.body.id, services: 2 },
      },
    ]);
    const ranking = await request(app).get('/ranking');
    expect(ranking.body.checks[0]).toMatchObject({
      id: 'api-definitions',
      failing: 1,
      failingServices: ['component:default/svc-wallet'],
    });
  });

  it('records a failed collection in the audit trail, and refuses a body', async () => {
    const { app, events } = await makeApp({
      refresh: AuthorizeResult.ALLOW,
      collectFails: true,
    });
    const response = await request(app).post('/refresh');
    expect(response.status).toBe(500);
    expect(events).toEqual([
      { eventId: 'scorecards-refresh', outcome: 'fail' },
    ]);
    const body = await request(app)
      .post('/refresh')
      .send({ services: ['x'] });
    expect(body.status).toBe(400);
    expect(body.body.error.message).toBe(
      'Invalid body: POST /refresh takes no body',
    );
  });
});
