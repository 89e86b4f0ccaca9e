/**
 * Roles come from catalog groups, so the catalog's org is a security
 * boundary: a developer may register repositories, but nothing they
 * register can declare a User, a Group or a Location. Runs the real
 * catalog with app-config.yaml's rules and the real role policy.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import catalogPlugin, {
  CATALOG_ERRORS_TOPIC,
} from '@backstage/plugin-catalog-backend';
import { permissionFeatures } from '../features';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import localFilesModule from '@internal/plugin-catalog-backend-module-local-files';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  PortalBackend,
  startPortalBackend,
  waitUntil,
} from '../__testUtils__/portalBackend';

jest.setTimeout(120_000);

const DEVELOPER = 'user:default/ines.dubois';

/** What the role policy answers `user` for each permission. */
async function decisions(backend: PortalBackend, user: string) {
  const permissions = [
    ['catalog.entity.delete', 'delete'],
    ['catalog.location.delete', 'delete'],
    ['scaffolder.template.management', undefined],
    ['dlq.message.replay', 'update'],
    ['kubernetes.proxy', undefined],
  ] as const;
  const res = await backend.request('POST', '/api/permission/authorize', {
    as: user,
    body: {
      items: permissions.map(([name, action], i) => ({
        id: String(i),
        permission: {
          type: 'basic',
          name,
          attributes: action ? { action } : {},
        },
      })),
    },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: { result: string }[] };
  return Object.fromEntries(
    permissions.map(([name], i) => [name, body.items[i].result]),
  );
}

/** What the catalog reports about entities it could not process (the
 * events the catalog-backend-module-logs module turns into log lines). */
type CatalogError = { location: string; errors: Array<{ message: string }> };
const catalogErrors: CatalogError[] = [];
const captureCatalogErrors = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-capture-errors',
  register(reg) {
    reg.registerInit({
      deps: { events: eventsServiceRef },
      async init({ events }) {
        await events.subscribe({
          id: 'test-capture-errors',
          topics: [CATALOG_ERRORS_TOPIC],
          async onEvent({ eventPayload }) {
            catalogErrors.push(eventPayload as CatalogError);
          },
        });
      },
    });
  },
});

describe('the catalog org is a security boundary', () => {
  let backend: PortalBackend;
  let repoDir: string;

  beforeAll(async () => {
    backend = await startPortalBackend({
      features: [
        catalogPlugin,
        localFilesModule,
        captureCatalogErrors,
        ...permissionFeatures,
      ],
    });
    await waitUntil(async () => {
      const user = await backend.getEntity(DEVELOPER);
      return user?.relations?.some(
        (r: any) =>
          r.type === 'memberOf' && r.targetRef === 'group:default/product-team',
      )
        ? true
        : undefined;
    }, 'the org to be loaded');

    // A developer's repository that tries to make its author an admin.
    repoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'org-boundary-'));
    fs.writeFileSync(
      path.join(repoDir, 'catalog-info.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata: { name: svc-innocent, description: A service like any other }',
        'spec: { type: service, lifecycle: experimental, owner: group:default/product-team }',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: User',
        'metadata: { name: mallory }',
        'spec: { memberOf: [platform-admins] }',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Group',
        'metadata: { name: platform-admins }',
        'spec: { type: team, children: [], members: [ines.dubois, mallory] }',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Group',
        'metadata: { name: shadow-admins }',
        'spec: { type: team, children: [], members: [ines.dubois] }',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Location',
        'metadata: { name: more-of-the-same }',
        'spec: { targets: [/etc/passwd] }',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(repoDir, { recursive: true, force: true });
  });

  it('refuses users, groups and locations from a registered repository, and grants nothing more', async () => {
    const before = await decisions(backend, DEVELOPER);
    expect(Object.values(before)).toEqual(Array(5).fill('DENY'));

    // The import page's dry run says why the file cannot be registered.
    const dryRun = await backend.request(
      'POST',
      '/api/catalog/locations?dryRun=true',
      {
        as: DEVELOPER,
        body: { type: 'file', target: path.join(repoDir, 'catalog-info.yaml') },
      },
    );
    expect(dryRun.status).toBe(400);
    expect((await dryRun.json()).error.message).toMatch(
      /is not of an allowed kind for that location/,
    );

    const registered = await backend.request('POST', '/api/catalog/locations', {
      as: DEVELOPER,
      body: { type: 'file', target: path.join(repoDir, 'catalog-info.yaml') },
    });
    expect(registered.status).toBe(201);

    // The catalog read the file and refused it, saying why (the whole
    // file: one refused entity fails it).
    const target = path.join(repoDir, 'catalog-info.yaml');
    const reported = await waitUntil(
      async () => catalogErrors.find(e => e.location === `file:${target}`),
      'the catalog to process the registered location',
    );
    const messages = reported.errors.map(e => e.message).join('\n');
    expect(messages).toMatch(
      /user:default\/mallory .*is not of an allowed kind for that location/,
    );

    expect(
      await backend.getEntity('component:default/svc-innocent'),
    ).toBeUndefined();
    expect(await backend.getEntity('user:default/mallory')).toBeUndefined();
    expect(
      await backend.getEntity('group:default/shadow-admins'),
    ).toBeUndefined();
    expect(
      await backend.getEntity('location:default/more-of-the-same'),
    ).toBeUndefined();

    const admins = await backend.getEntity('group:default/platform-admins');
    expect(
      admins.metadata.annotations['backstage.io/managed-by-location'],
    ).toMatch(/catalog\/org\.yaml$/);
    expect(admins.spec.members).toEqual([
      'user:default/camille.moreau',
      'user:default/thomas.girard',
    ]);

    const developer = await backend.getEntity(DEVELOPER);
    const groups = developer.relations
      .filter((r: any) => r.type === 'memberOf')
      .map((r: any) => r.targetRef)
      .sort();
    expect(groups).toEqual(['group:default/product-team']);

    expect(await decisions(backend, DEVELOPER)).toEqual(before);
  });
});
