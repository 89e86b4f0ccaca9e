import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** The roles of the Local-Plus portal. */
export const ROLES = [
  'platform-admin',
  'developer',
  'on-call',
  'compliance-reviewer',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * What each role may do.
 *
 * `read` grants every permission whose `attributes.action` is `read`, but
 * those in `except`. `allow` lists permission names; a trailing `.*` grants
 * a whole plugin's permissions. `ownedOnly` lists resource permissions on
 * catalog entities that the role holds only for the entities it owns (the
 * catalog's IS_ENTITY_OWNER rule decides). Plugins that add permissions add
 * them here.
 */
export type Grant = {
  all?: boolean;
  read?: boolean;
  allow?: string[];
  except?: string[];
  ownedOnly?: string[];
};

export const ROLE_GRANTS: Record<Role, Grant> = {
  'platform-admin': { all: true },
  developer: {
    read: true,
    // Their own services' dead-letter payloads; not the platform-wide view.
    // Upgrading their own services to the golden path's newest release.
    ownedOnly: ['dlq.message.read', 'template-upgrades.create'],
    except: ['dlq.platform.read'],
    allow: [
      // Register and refresh their own components, validate catalog files.
      'catalog.entity.create',
      'catalog.entity.refresh',
      'catalog.entity.validate',
      'catalog.location.create',
      'catalog.location.analyze',
      // Run the golden-path templates.
      'scaffolder.action.execute',
      'scaffolder.task.create',
      'scaffolder.task.cancel',
      'scaffolder.template.dry-run',
    ],
  },
  'on-call': {
    read: true,
    allow: [
      'catalog.entity.refresh',
      // Dead letters of every service: replay and discard them. Unmasked
      // payloads (dlq.message.reveal) stay with platform admins.
      'dlq.message.replay',
      'dlq.message.discard',
    ],
  },
  'compliance-reviewer': {
    read: true,
    // Dead-letter counts and the audit trail, never payloads.
    except: ['dlq.message.read', 'dlq.platform.read'],
    // Evidence files of the Kyverno policy reports (audited).
    allow: ['kyverno.evidence.export'],
  },
};

/** What a grant says about a permission: yes, only for owned entities, or no. */
export type GrantAnswer = 'allow' | 'owned' | 'deny';

export function grantAnswer(
  grant: Grant,
  permission: { name: string; attributes: { action?: string } },
): GrantAnswer {
  if (grant.all) return 'allow';
  const named = (patterns: string[] = []) =>
    patterns.some(pattern =>
      pattern.endsWith('.*')
        ? permission.name.startsWith(pattern.slice(0, -1))
        : permission.name === pattern,
    );
  if (named(grant.allow)) return 'allow';
  if (named(grant.except)) return 'deny';
  if (named(grant.ownedOnly)) return 'owned';
  if (grant.read && permission.attributes.action === 'read') return 'allow';
  return 'deny';
}

const memberRef = z.string().transform((value, ctx) => {
  try {
    const ref = parseEntityRef(value);
    const kind = ref.kind.toLocaleLowerCase('en-US');
    if (kind !== 'user' && kind !== 'group') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `'${value}' must be a user or group reference`,
      });
      return z.NEVER;
    }
    return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
  } catch {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `'${value}' is not an entity reference like group:default/on-call`,
    });
    return z.NEVER;
  }
});

const roleBindingsSchema = z
  .object(
    Object.fromEntries(
      ROLES.map(role => [role, z.array(memberRef).optional()]),
    ) as Record<Role, z.ZodOptional<z.ZodArray<typeof memberRef>>>,
  )
  .strict();

/** Members (user or group refs, lower-cased) of each role. */
export type RoleBindings = Record<Role, Set<string>>;

/**
 * Reads `permission.roleBindings` from config: a map from role to the user
 * and group references that hold it. Unknown roles and malformed references
 * are rejected at start-up with the offending key named.
 */
export function readRoleBindings(config: Config): RoleBindings {
  const raw = config.getOptional('permission.roleBindings') ?? {};
  const parsed = roleBindingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ['permission', 'roleBindings', ...issue.path].join('.');
    const message =
      issue.code === z.ZodIssueCode.unrecognized_keys
        ? `unknown role ${issue.keys
            .map(k => `'${k}'`)
            .join(', ')}; roles are ${ROLES.join(', ')}`
        : issue.message;
    throw new InputError(`Invalid config at ${where}: ${message}`);
  }
  const bindings = {} as RoleBindings;
  for (const role of ROLES) {
    bindings[role] = new Set(parsed.data[role] ?? []);
  }
  return bindings;
}

/** The roles held by a user with these ownership references. */
export function rolesOf(
  bindings: RoleBindings,
  ownershipEntityRefs: string[],
): Role[] {
  const refs = ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US'));
  return ROLES.filter(role => refs.some(ref => bindings[role].has(ref)));
}
