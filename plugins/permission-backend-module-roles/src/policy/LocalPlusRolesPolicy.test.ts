import { UserInfoService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  taskCreatePermission,
  actionExecutePermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { LocalPlusRolesPolicy } from './LocalPlusRolesPolicy';
import { readRoleBindings } from './roles';

// The dlq plugin's permissions, as it declares them.
const dlqReplayPermission = createPermission({
  name: 'dlq.message.replay',
  attributes: { action: 'update' },
});
const dlqMessageReadPermission = createPermission({
  name: 'dlq.message.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});
const dlqPlatformReadPermission = createPermission({
  name: 'dlq.platform.read',
  attributes: { action: 'read' },
});
const dlqBacklogReadPermission = createPermission({
  name: 'dlq.backlog.read',
  attributes: { action: 'read' },
});
const dlqRevealPermission = createPermission({
  name: 'dlq.message.reveal',
  attributes: {},
});
const kubernetesProxyPermission = createPermission({
  name: 'kubernetes.proxy',
  attributes: {},
});

// The catalog's org: who belongs to which group.
const ownership: Record<string, string[]> = {
  'user:default/ada': ['user:default/ada', 'group:default/platform-admins'],
  'user:default/dev': ['user:default/dev', 'group:default/product-team'],
  'user:default/pager': ['user:default/pager', 'group:default/on-call'],
  'user:default/auditor': ['user:default/auditor', 'group:default/compliance'],
  'user:default/nobody': ['user:default/nobody', 'group:default/visitors'],
};
const userInfo: UserInfoService = {
  async getUserInfo(credentials) {
    const ref = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return { userEntityRef: ref, ownershipEntityRefs: ownership[ref] ?? [ref] };
  },
};

const config = new ConfigReader({
  permission: {
    roleBindings: {
      'platform-admin': ['group:default/platform-admins'],
      developer: ['group:default/product-team', 'Group:Default/Platform-Team'],
      'on-call': ['group:default/on-call'],
      'compliance-reviewer': ['group:default/compliance'],
    },
  },
});

const policy = new LocalPlusRolesPolicy(
  userInfo,
  readRoleBindings(config),
  mockServices.logger.mock(),
);

async function decide(userRef: string, permission: any) {
  const decision = await policy.handle(
    { permission },
    { credentials: mockCredentials.user(userRef), info: undefined as any },
  );
  return decision.result;
}

const { ALLOW, DENY, CONDITIONAL } = AuthorizeResult;

describe('LocalPlusRolesPolicy', () => {
  // [permission, platform-admin, developer, on-call, compliance-reviewer, no role]
  const matrix: [string, any, AuthorizeResult[]][] = [
    [
      'read the catalog',
      catalogEntityReadPermission,
      [ALLOW, ALLOW, ALLOW, ALLOW, DENY],
    ],
    [
      'register a component',
      catalogEntityCreatePermission,
      [ALLOW, ALLOW, DENY, DENY, DENY],
    ],
    [
      'add a catalog location',
      catalogLocationCreatePermission,
      [ALLOW, ALLOW, DENY, DENY, DENY],
    ],
    [
      'refresh an entity',
      catalogEntityRefreshPermission,
      [ALLOW, ALLOW, ALLOW, DENY, DENY],
    ],
    [
      'delete an entity',
      catalogEntityDeletePermission,
      [ALLOW, DENY, DENY, DENY, DENY],
    ],
    [
      'delete a catalog location',
      catalogLocationDeletePermission,
      [ALLOW, DENY, DENY, DENY, DENY],
    ],
    [
      'start a template run',
      taskCreatePermission,
      [ALLOW, ALLOW, DENY, DENY, DENY],
    ],
    [
      'execute template actions',
      actionExecutePermission,
      [ALLOW, ALLOW, DENY, DENY, DENY],
    ],
    [
      'edit templates',
      templateManagementPermission,
      [ALLOW, DENY, DENY, DENY, DENY],
    ],
    [
      'replay a dead letter',
      dlqReplayPermission,
      [ALLOW, DENY, ALLOW, DENY, DENY],
    ],
    [
      "read a service's dead-letter payloads (developers: their own services')",
      dlqMessageReadPermission,
      [ALLOW, CONDITIONAL, ALLOW, DENY, DENY],
    ],
    [
      'read the platform-wide dead letters',
      dlqPlatformReadPermission,
      [ALLOW, DENY, ALLOW, DENY, DENY],
    ],
    [
      'read dead-letter counts and backlogs',
      dlqBacklogReadPermission,
      [ALLOW, ALLOW, ALLOW, ALLOW, DENY],
    ],
    [
      'read dead letters unmasked',
      dlqRevealPermission,
      [ALLOW, DENY, DENY, DENY, DENY],
    ],
    [
      'proxy to Kubernetes',
      kubernetesProxyPermission,
      [ALLOW, DENY, DENY, DENY, DENY],
    ],
  ];
  const users = ['ada', 'dev', 'pager', 'auditor', 'nobody'];

  it.each(matrix)('%s', async (_what, permission, expected) => {
    const results = await Promise.all(
      users.map(u => decide(`user:default/${u}`, permission)),
    );
    expect(results).toEqual(expected);
  });

  it("gives a developer their own services' dead letters through the catalog's owner rule", async () => {
    const decision = await policy.handle(
      { permission: dlqMessageReadPermission },
      {
        credentials: mockCredentials.user('user:default/dev'),
        info: undefined as any,
      },
    );
    expect(decision).toEqual({
      result: CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/dev', 'group:default/product-team'],
        },
      },
    });
  });

  it('matches group references whatever their case', async () => {
    ownership['user:default/plat'] = ['group:default/platform-team'];
    expect(await decide('user:default/plat', taskCreatePermission)).toBe(ALLOW);
  });

  it('refuses requests without a user', async () => {
    const decision = await policy.handle({
      permission: catalogEntityReadPermission,
    });
    expect(decision.result).toBe(DENY);
  });
});

describe('readRoleBindings', () => {
  it('names the unknown role', () => {
    expect(() =>
      readRoleBindings(
        new ConfigReader({
          permission: {
            roleBindings: { 'site-reliability': ['group:default/sre'] },
          },
        }),
      ),
    ).toThrow(
      "Invalid config at permission.roleBindings: unknown role 'site-reliability'",
    );
  });

  it('names the bad member reference', () => {
    expect(() =>
      readRoleBindings(
        new ConfigReader({
          permission: {
            roleBindings: { developer: ['component:default/svc-ledger'] },
          },
        }),
      ),
    ).toThrow(
      "Invalid config at permission.roleBindings.developer.0: 'component:default/svc-ledger' must be a user or group reference",
    );
  });

  it('gives no role to anyone when nothing is bound', () => {
    const bindings = readRoleBindings(new ConfigReader({}));
    expect(bindings.developer.size).toBe(0);
  });
});
