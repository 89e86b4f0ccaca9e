import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { toEntityRef } from './lib/refs';

const entityRef = (defaultKind: string) =>
  z.string().transform((value, ctx) => {
    const ref = toEntityRef(value, defaultKind);
    if (!ref) {
      ctx.addIssue({
        code: 'custom',
        message: `'${value}' is not an entity reference like ${defaultKind}:default/name`,
      });
      return z.NEVER;
    }
    return ref;
  });

// Environment substitution (${DATA_OWNERSHIP_PG_PORT}) gives strings.
const port = z.coerce.number().int().min(1).max(65535);

const databaseFields = z.object({
  name: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, {
    message: 'use letters, digits, -, _ and .',
  }),
  resource: entityRef('resource'),
  connection: z.object({
    host: z.string().min(1),
    port: port.default(5432),
    user: z.string().min(1),
    password: z.string().optional(),
    database: z.string().min(1),
    ssl: z
      .union([
        z.boolean(),
        z.object({
          rejectUnauthorized: z.boolean().optional(),
          ca: z.string().optional(),
        }),
      ])
      .optional(),
  }),
  schemas: z.array(z.string().min(1)).optional(),
  owners: z
    .record(z.string(), entityRef('component'))
    .superRefine((owners, ctx) => {
      for (const key of Object.keys(owners)) {
        if (!/^[^.\s]+\.[^.\s]+$/.test(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'keys are schema.table or schema.*',
          });
        }
      }
    })
    .default({}),
  namePrefix: z.string().default(''),
  statementTimeoutMs: z.number().int().positive().default(30_000),
  connectTimeoutMs: z.number().int().positive().default(10_000),
  sampleRows: z.number().int().min(0).max(100).default(5),
  minCardSamples: z.number().int().min(1).max(100).default(1),
  attempts: z.number().int().min(1).max(10).default(3),
  retryDelayMs: z.number().int().min(0).default(2_000),
});
const databaseSchema = databaseFields.superRefine((db, ctx) => {
  // A threshold no sample can reach would switch detection off unseen.
  if (db.sampleRows > 0 && db.minCardSamples > db.sampleRows) {
    ctx.addIssue({
      code: 'custom',
      path: ['minCardSamples'],
      message: `must be at most sampleRows (${db.sampleRows}): no more card numbers can be found than rows are sampled`,
    });
  }
});
export type DatabaseConfig = z.infer<typeof databaseSchema>;

const dataOwnershipSchema = z.object({
  defaultOwner: entityRef('group').default('group:default/platform-team'),
  system: entityRef('system').optional(),
  declared: z
    .object({
      tables: z.array(z.string().min(1)).default([]),
      topics: z.array(z.string().min(1)).default([]),
    })
    .default({ tables: [], topics: [] }),
  lookupCacheSeconds: z.number().min(0).default(60),
  databases: z
    .array(databaseSchema)
    .default([])
    .superRefine((dbs, ctx) => {
      const seen = new Set<string>();
      dbs.forEach((db, i) => {
        if (seen.has(db.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `database name '${db.name}' is used twice`,
          });
        }
        seen.add(db.name);
      });
    }),
  kafka: z
    .object({
      enabled: z.boolean().default(false),
      brokers: z.array(z.string()).default([]),
      resource: entityRef('resource').optional(),
    })
    .default({ enabled: false, brokers: [] }),
});

export type DataOwnershipConfig = z.infer<typeof dataOwnershipSchema> & {
  schedule: SchedulerServiceTaskScheduleDefinition;
};

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
};

/**
 * Reads `dataOwnership` from config. Mistakes are reported at start-up with
 * the key that holds them, rather than as a provider that silently reads
 * nothing.
 */
export function readDataOwnershipConfig(config: Config): DataOwnershipConfig {
  const section = config.getOptionalConfig('dataOwnership');
  const parsed = dataOwnershipSchema.safeParse(section?.get() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ['dataOwnership', ...issue.path.map(String)].join('.');
    throw new InputError(`Invalid config at ${where}: ${issue.message}`);
  }
  const schedule = section?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        section.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;
  return { ...parsed.data, schedule };
}
