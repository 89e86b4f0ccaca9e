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

/** A regular expression from config, refused at start-up when it does not compile. */
const pattern = z.string().transform((value, ctx) => {
  try {
    return new RegExp(value);
  } catch (e) {
    ctx.addIssue({
      code: 'custom',
      message: `'${value}' is not a regular expression: ${
        (e as Error).message
      }`,
    });
    return z.NEVER;
  }
});

// `${KAFKA_BROKERS}` from the environment is one comma-separated string,
// alone or as the one item of a list.
const brokerList = z
  .union([z.string(), z.array(z.string())])
  .transform(value =>
    (Array.isArray(value) ? value : [value])
      .flatMap(b => b.split(','))
      .map(b => b.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().regex(/^[^\s:/]+:\d{1,5}$/, {
        message: 'write each broker as host:port',
      }),
    ),
  );

const kafkaFields = z.object({
  enabled: z.boolean().default(false),
  /** The cluster in messages and annotations, e.g. aiven-kafka. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, {
      message: 'use letters, digits, -, _ and .',
    })
    .default('kafka'),
  /** The cluster's Resource; declared topics of another cluster are not matched. */
  resource: entityRef('resource').optional(),
  brokers: brokerList.default([]),
  clientId: z.string().min(1).default('backstage-data-ownership'),
  connectionTimeoutMs: z.number().int().positive().default(3_000),
  requestTimeoutMs: z.number().int().positive().default(10_000),
  attempts: z.number().int().min(1).max(10).default(2),
  retryDelayMs: z.number().int().min(0).default(2_000),
  ssl: z
    .union([
      z.boolean(),
      z
        .object({
          rejectUnauthorized: z.boolean().optional(),
          ca: z.string().min(1).optional(),
          cert: z.string().min(1).optional(),
          key: z.string().min(1).optional(),
        })
        .strict(),
    ])
    .optional(),
  /**
   * SASL. Left out when neither username nor password is given, which is
   * what `${KAFKA_SASL_USERNAME}` / `${KAFKA_SASL_PASSWORD}` give when unset.
   */
  sasl: z
    .object({
      mechanism: z
        .enum(['plain', 'scram-sha-256', 'scram-sha-512'])
        .default('scram-sha-512'),
      username: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
    })
    .strict()
    .superRefine((sasl, ctx) => {
      if (Boolean(sasl.username) !== Boolean(sasl.password)) {
        ctx.addIssue({
          code: 'custom',
          path: [sasl.username ? 'password' : 'username'],
          message: 'a SASL username and password go together',
        });
      }
    })
    .transform(sasl =>
      sasl.username && sasl.password
        ? {
            mechanism: sasl.mechanism,
            username: sasl.username,
            password: sasl.password,
          }
        : undefined,
    )
    .optional(),
  /** Topics not reported (regular expressions); names starting with __ never are. */
  ignoreTopics: z.array(pattern).default([]),
  /** Consumer groups not reported (regular expressions). */
  ignoreGroups: z.array(pattern).default([]),
});
const kafkaSchema = kafkaFields
  .superRefine((kafka, ctx) => {
    if (kafka.enabled && kafka.brokers.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['brokers'],
        message: 'at least one broker (host:port) is needed when enabled',
      });
    }
    if (
      kafka.ssl &&
      typeof kafka.ssl === 'object' &&
      Boolean(kafka.ssl.cert) !== Boolean(kafka.ssl.key)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['ssl', kafka.ssl.cert ? 'key' : 'cert'],
        message: 'a client certificate and its key go together',
      });
    }
  })
  .default(() => kafkaFields.parse({}));
export type KafkaConfig = z.infer<typeof kafkaSchema>;

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
  kafka: kafkaSchema,
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
