import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { PermissionCheck } from './PermissionCheck';

const read = createPermission({
  name: 'demo.read',
  attributes: { action: 'read' },
});
const change = createPermission({
  name: 'demo.change',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/** Grants what `granted` names: `demo.read`, or `demo.change@<ref>`. */
function checkGranting(...granted: string[]) {
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r => {
        const ref = (r as { resourceRef?: string }).resourceRef;
        const name = ref ? `${r.permission.name}@${ref}` : r.permission.name;
        return {
          result: granted.includes(name)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        };
      }),
  });
  const check = new PermissionCheck({
    httpAuth: mockServices.httpAuth(),
    permissions,
  });
  return { check, permissions };
}

describe('PermissionCheck.credentials', () => {
  function app(check: PermissionCheck) {
    const router = Router();
    router.get('/users', async (req, res) => {
      const credentials = await check.credentials(
        req,
        read,
        'You may not read demos',
      );
      res.json({ user: credentials.principal.userEntityRef });
    });
    router.get('/users-and-services', async (req, res) => {
      const credentials = await check.credentials(
        req,
        read,
        'You may not read demos',
        ['user', 'service'],
      );
      res.json({ type: credentials.principal.type });
    });
    return express().use(router).use(mockErrorHandler());
  }

  it("answers with the user's credentials once the permission is granted", async () => {
    const res = await request(app(checkGranting('demo.read').check)).get(
      '/users',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: mockCredentials.user().principal.userEntityRef,
    });
  });

  it('refuses with the message it was given (403)', async () => {
    const res = await request(app(checkGranting().check)).get('/users');
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: 'You may not read demos',
    });
  });

  it('asks for credentials first (401), and lets only the callers it allows in', async () => {
    const { check, permissions } = checkGranting('demo.read');
    const anonymous = await request(app(check))
      .get('/users')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    expect(permissions.authorize).not.toHaveBeenCalled();

    const service = mockCredentials.service.header();
    const usersOnly = await request(app(check))
      .get('/users')
      .set('Authorization', service);
    expect(usersOnly.status).toBe(403);
    const both = await request(app(check))
      .get('/users-and-services')
      .set('Authorization', service);
    expect(both.status).toBe(200);
    expect(both.body).toEqual({ type: 'service' });
  });
});

describe('PermissionCheck.authorize and allows', () => {
  const credentials = mockCredentials.user();
  const ledger = 'component:default/svc-ledger';

  it('checks a resource permission on its resource', async () => {
    const { check, permissions } = checkGranting(`demo.change@${ledger}`);
    await expect(check.allows(credentials, change, ledger)).resolves.toBe(true);
    expect(permissions.authorize).toHaveBeenCalledWith(
      [{ permission: change, resourceRef: ledger }],
      { credentials },
    );
    await expect(
      check.authorize(
        credentials,
        change,
        'You may not change svc-wallet',
        'component:default/svc-wallet',
      ),
    ).rejects.toThrow(new NotAllowedError('You may not change svc-wallet'));
  });

  it('checks a basic permission, or a resource permission without its resource, as such', async () => {
    const { check, permissions } = checkGranting('demo.read');
    await expect(check.allows(credentials, read)).resolves.toBe(true);
    await expect(check.allows(credentials, change)).resolves.toBe(false);
    expect(permissions.authorize).toHaveBeenLastCalledWith(
      [{ permission: change }],
      { credentials },
    );
    await expect(
      check.authorize(credentials, read, 'unused'),
    ).resolves.toBeUndefined();
  });
});
