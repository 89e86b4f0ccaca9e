/**
 * The router against a store in memory: what it does with any broker's
 * dead letters — who reads what, masking, reveal, filters, the audit of
 * each change and of bulk jobs — without Valkey.
 */
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DependencyError, Masker } from '@internal/backend-helpers';
import { BulkJob, DeadLetter } from '@internal/plugin-dlq-common';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { InMemoryDeadLetterStore } from './__testUtils__/InMemoryDeadLetterStore';
import { createRouter } from './router';
import { ActionLog } from './services/ActionLog';
import { BulkJobs } from './services/BulkJobs';

const LEDGER = 'component:default/svc-ledger';
const WALLET = 'component:default/svc-wallet';
const entity = (name: string, annotation: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'local-plus.io/dead-letters': annotation },
  },
  spec: { type: 'service', owner: 'group:default/product-team' },
});

const ONCALL = 'user:default/oncall';
const OWNER = 'user:default/owner';
const ADMIN = 'user:default/admin';
const GRANTS: Record<string, string[]> = {
  [ONCALL]: [
    'dlq.backlog.read',
    'dlq.message.read',
    'dlq.message.replay',
    'dlq.message.discard',
  ],
  // Owns svc-ledger, not svc-wallet (as IS_ENTITY_OWNER would answer).
  [OWNER]: ['dlq.backlog.read', `dlq.message.read@${LEDGER}`],
  [ADMIN]: [
    'dlq.backlog.read',
    'dlq.message.read',
    'dlq.message.reveal',
    'dlq.message.replay',
    'dlq.message.discard',
  ],
};

const minutesAgo = (n: number) =>
  new Date(Date.now() - n * 60_000).toISOString();
const letter = (
  key: string,
  fields: Partial<DeadLetter> & { ago: number },
): DeadLetter => ({
  queue: 'critical',
  key,
  messageId: `m-${key}`,
  actor: 'ledger.rollback_transaction',
  args: [],
  kwargs: {},
  traceback: 'psycopg.OperationalError: connection failed',
  deadLetteredAt: minutesAgo(fields.ago),
  links: [],
  ...fields,
});

describe('the dead-letter router, against a store in memory', () => {
  let knex: Knex;
  let store: InMemoryDeadLetterStore;
  let app: express.Express;
  let jobs: BulkJobs;
  const auditor = mockServices.auditor.mock();

  const as = (user: string) => mockCredentials.user.header(user);
  const get = (path: string, user = ONCALL) =>
    request(app).get(`/api/dlq${path}`).set('Authorization', as(user));
  const post = (path: string, body: object, user = ONCALL) =>
    request(app)
      .post(`/api/dlq${path}`)
      .set('Authorization', as(user))
      .send(body);
  const list = (query: string, user = ONCALL) =>
    get(`/dead-letters?entityRef=${encodeURIComponent(LEDGER)}${query}`, user);

  beforeEach(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    const actions = await ActionLog.create({
      getClient: async () => knex,
    } as any);
    const logger = mockServices.logger.mock();
    jobs = await BulkJobs.create({ knex, actions, logger });
    store = new InMemoryDeadLetterStore([
      letter('refund', {
        ago: 5,
        actor: 'ledger.refund_to_card',
        args: ['4111 1111 1111 1111'],
        kwargs: { to: 'claire.martin@example.fr', token: 'tok_1' },
        traceback:
          'psp.CardDeclined: card 4111111111111111 of claire.martin@example.fr declined',
      }),
      letter('rollback', { ago: 30 }),
      letter('old', { ago: 600, queue: 'low' }),
    ]);
    auditor.createEvent.mockClear();
    const router = await createRouter({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions.mock({
        authorize: async (requests, options) => {
          const user = (options!.credentials.principal as any).userEntityRef;
          const grants = GRANTS[user] ?? [];
          return requests.map(r => {
            const ref = (r as { resourceRef?: string }).resourceRef;
            const name = r.permission.name;
            return {
              result:
                grants.includes(name) || grants.includes(`${name}@${ref}`)
                  ? AuthorizeResult.ALLOW
                  : AuthorizeResult.DENY,
            };
          });
        },
      }),
      catalog: catalogServiceMock({
        entities: [
          entity('svc-ledger', 'dramatiq:ledger.'),
          entity('svc-wallet', 'dramatiq:wallet.'),
        ],
      }),
      auditor,
      logger,
      config: mockServices.rootConfig(),
      actions,
      bulkJobs: jobs,
      bulk: { defaultRatePerSecond: 50, maxRatePerSecond: 10_000 },
      masker: new Masker(),
      storeOf: () => store,
    });
    app = express().use('/api/dlq', router).use(mockErrorHandler());
  });

  afterEach(async () => {
    await jobs.close();
    await knex.destroy();
  });

  it('masks every payload it answers with, whoever asks', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    const refund = res.body.items[0];
    expect(refund.args).toEqual(['411111******1111']);
    expect(refund.kwargs).toEqual({
      to: 'c***@example.fr',
      token: '[redacted]',
    });
    expect(refund.traceback).toBe(
      'psp.CardDeclined: card 411111******1111 of c***@example.fr declined',
    );
    expect(JSON.stringify(res.body)).not.toMatch(
      /4111 ?1111 ?1111 ?1111|claire\.martin/,
    );
  });

  it("gives payloads to the entity's owners, counts to the others", async () => {
    const own = await list('', OWNER);
    expect(own.body.payloads).toBe('masked');
    expect(own.body.items).toHaveLength(3);
    const other = await get(
      `/dead-letters?entityRef=${encodeURIComponent(WALLET)}`,
      OWNER,
    );
    expect(other.body).toMatchObject({
      payloads: 'hidden',
      items: [],
      total: 3,
    });
  });

  it('reveals to an admin, card numbers still masked, and audits it; refuses anyone else', async () => {
    const res = await list('&reveal=true', ADMIN);
    expect(res.body.payloads).toBe('revealed');
    expect(res.body.items[0].kwargs).toEqual({
      to: 'claire.martin@example.fr',
      token: 'tok_1',
    });
    expect(res.body.items[0].args).toEqual(['411111******1111']);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ eventId: 'dead-letter-reveal' }),
    );
    expect((await list('&reveal=true', ONCALL)).status).toBe(403);
  });

  it('passes the filters to the store, text searched in what the user sees', async () => {
    const keys = async (query: string) =>
      (await list(query)).body.items.map((i: DeadLetter) => i.key);
    expect(await keys('&actor=ledger.refund_to_card')).toEqual(['refund']);
    expect(await keys('&errorType=psycopg.OperationalError')).toEqual([
      'rollback',
      'old',
    ]);
    expect(await keys('&text=declined')).toEqual(['refund']);
    const typed = await list('&text=4111111111111111');
    expect(typed.status).toBe(400);
    expect(typed.body.error.message).toMatch(
      /^Invalid query text: it holds what the portal masks/,
    );
    expect(await keys('&minAgeMinutes=60')).toEqual(['old']);
    expect(await keys('&maxAgeMinutes=60&queue=critical')).toEqual([
      'refund',
      'rollback',
    ]);
    const first = await list('&limit=2');
    expect(first.body.nextCursor).toBeDefined();
    const second = await list(`&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i: DeadLetter) => i.key)).toEqual(['old']);
  });

  it('replays the original, answers masked; a failing change is answered and audited as failed', async () => {
    const res = await post('/dead-letters/replay', {
      entityRef: LEDGER,
      queue: 'critical',
      key: 'refund',
    });
    expect(res.status).toBe(200);
    expect(res.body.replayed.args).toEqual(['411111******1111']);
    expect(store.replayed[0].args).toEqual(['4111 1111 1111 1111']);

    store.failNextChange = new DependencyError({
      dependency: "Valkey 'deadLetters.redis'",
      problem: 'did not answer within 2 s',
      hint: 'try again',
    });
    const failed = await post('/dead-letters/discard', {
      entityRef: LEDGER,
      queue: 'critical',
      key: 'rollback',
      reason: 'Rolled back by hand, card 4111111111111111',
    });
    expect(failed.status).toBe(503);
    const trail = await get(`/actions?entityRef=${encodeURIComponent(LEDGER)}`);
    expect(trail.body.items[0]).toMatchObject({
      action: 'discard',
      outcome: 'failed',
      reason: 'Rolled back by hand, card 411111******1111',
    });
    expect(store.letters.map(l => l.key)).toContain('rollback');
  });

  it('runs a bulk discard through the store, with its progress and a trail row each', async () => {
    const res = await post('/dead-letters/bulk', {
      entityRef: LEDGER,
      action: 'discard',
      reason: 'Superseded by the nightly reconciliation',
      selection: { filter: { queue: 'critical' } },
      ratePerSecond: 1000,
    });
    expect(res.status).toBe(202);
    await jobs.settled(res.body.job.id);
    const job: BulkJob = (await get(`/dead-letters/bulk/${res.body.job.id}`))
      .body.job;
    expect(job).toMatchObject({ state: 'done', total: 2, done: 2, failed: 0 });
    expect(store.letters.map(l => l.key)).toEqual(['old']);
    const trail = await get(`/actions?entityRef=${encodeURIComponent(LEDGER)}`);
    expect(
      trail.body.items.filter((i: any) => i.bulkJobId === job.id),
    ).toHaveLength(2);
  });
});
