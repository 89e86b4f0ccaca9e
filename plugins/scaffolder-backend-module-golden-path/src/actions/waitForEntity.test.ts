import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createWaitForEntityAction } from './waitForEntity';

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc-demo', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/product-team' },
};

describe('catalog:entity:wait-for', () => {
  function run(
    catalog: ReturnType<typeof catalogServiceMock.mock>,
    input: Record<string, unknown>,
    isDryRun = false,
  ) {
    const action = createWaitForEntityAction({
      catalog,
      pollIntervalMs: 5,
      progressIntervalMs: 20,
    });
    const ctx = createMockActionContext({ input: input as any });
    // createMockActionContext does not carry isDryRun through.
    (ctx as any).isDryRun = isDryRun;
    const logged: string[] = [];
    jest
      .spyOn(ctx.logger, 'info')
      .mockImplementation(
        (message: any) => logged.push(String(message)) as any,
      );
    return { promise: action.handler(ctx as any), ctx, logged };
  }

  it('returns once the catalog serves the entity, after a few polls, with the initiator credentials', async () => {
    let calls = 0;
    const catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn(async () => {
        calls += 1;
        return calls >= 4 ? component : undefined;
      }),
    });
    const { promise, ctx, logged } = run(catalog, {
      entityRef: 'component:default/svc-demo',
      location: '/srv/scaffolded/svc-demo/catalog-info.yaml',
      timeoutSeconds: 5,
    });
    await promise;
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(4);
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(
      'component:default/svc-demo',
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect(logged.join('\n')).toMatch(
      /component:default\/svc-demo is in the catalog/,
    );
  });

  it('says in the task log that it is waiting', async () => {
    let calls = 0;
    const catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn(async () => {
        calls += 1;
        // About 60 ms of polling at 5 ms: a progress line every 20 ms.
        return calls >= 12 ? component : undefined;
      }),
    });
    const { promise, logged } = run(catalog, {
      entityRef: 'component:default/svc-demo',
      location:
        'https://github.com/localplus/svc-demo/blob/main/catalog-info.yaml',
      timeoutSeconds: 5,
    });
    await promise;
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^waiting for the catalog to process component:default\/svc-demo registered from https:\/\/github\.com\/localplus\/svc-demo\/blob\/main\/catalog-info\.yaml, \d+ s$/,
        ),
      ]),
    );
  });

  it('fails after the time-out, naming the location and the errors the catalog reports for it', async () => {
    const location = '/srv/scaffolded/svc-demo/catalog-info.yaml';
    const catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn(async () => undefined),
      getEntities: jest.fn(async () => ({
        items: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Location',
            metadata: { name: 'generated-abc' },
            spec: { type: 'file', target: location },
            status: {
              items: [
                {
                  type: 'backstage.io/catalog-processing',
                  level: 'error',
                  message: 'InputError: Policy check failed',
                  error: {
                    name: 'InputError',
                    message:
                      'Policy check failed for component:default/svc-demo',
                  },
                },
              ],
            },
          } as Entity,
        ],
      })),
    });
    const started = Date.now();
    const { promise } = run(catalog, {
      entityRef: 'component:default/svc-demo',
      location,
      timeoutSeconds: 0.1,
    });
    await expect(promise).rejects.toThrow(
      `Timed out after 0.1 s waiting for the catalog to process component:default/svc-demo registered from ${location}. The catalog reports: Policy check failed for component:default/svc-demo`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(catalog.getEntities).toHaveBeenCalledWith(
      { filter: { kind: 'Location', 'spec.target': location } },
      expect.anything(),
    );
  });

  it('says when the catalog reports nothing yet', async () => {
    const catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn(async () => undefined),
      getEntities: jest.fn(async () => ({ items: [] })),
    });
    const { promise } = run(catalog, {
      entityRef: 'component:default/svc-demo',
      location: '/srv/x/catalog-info.yaml',
      timeoutSeconds: 0.05,
    });
    await expect(promise).rejects.toThrow(
      /Timed out after 0.05 s .* registered from \/srv\/x\/catalog-info.yaml\. The catalog reports no error for that location yet/,
    );
  });

  it('does not wait in a dry run', async () => {
    const catalog = catalogServiceMock.mock();
    const { promise } = run(catalog, { entityRef: undefined }, true);
    await promise;
    expect(catalog.getEntityByRef).not.toHaveBeenCalled();
  });

  it('refuses something that is not an entity reference', async () => {
    const catalog = catalogServiceMock.mock();
    const { promise } = run(catalog, { entityRef: 'component:' });
    await expect(promise).rejects.toThrow(/is not an entity reference/);
    expect(catalog.getEntityByRef).not.toHaveBeenCalled();
  });
});
