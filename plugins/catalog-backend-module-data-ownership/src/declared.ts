import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { toEntityRef } from './lib/refs';

const ref = (defaultKind: string) =>
  z.string().transform((value, ctx) => {
    const r = toEntityRef(value, defaultKind);
    if (!r) {
      ctx.addIssue({
        code: 'custom',
        message: `'${value}' is not a ${defaultKind} name or reference`,
      });
      return z.NEVER;
    }
    return r;
  });

const tablesFileSchema = z.object({
  /** The database Resource of the tables that do not name one. */
  database: ref('resource').optional(),
  tables: z.array(
    z
      .object({
        table: z.string().regex(/^[^.\s]+\.[^.\s]+$/, {
          message: 'write schema.table',
        }),
        owner: ref('component').optional(),
        database: ref('resource').optional(),
        description: z.string().optional(),
        accessPattern: z.string().optional(),
      })
      .strict(),
  ),
});

const topicsFileSchema = z.object({
  /** The Kafka cluster Resource of the topics that do not name one. */
  cluster: ref('resource').optional(),
  topics: z.array(
    z
      .object({
        name: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, {
          message: 'Kafka topic names use letters, digits, ., _ and -',
        }),
        description: z.string().optional(),
        producer: ref('component').optional(),
        producers: z.array(ref('component')).optional(),
        producerPattern: z.string().optional(),
        consumers: z.array(ref('component')).default([]),
        partitions: z.number().int().positive().optional(),
        retention: z.string().optional(),
        schema: z.string().optional(),
        cluster: ref('resource').optional(),
      })
      .strict(),
  ),
});

export type DeclaredTable = {
  schema: string;
  table: string;
  owner?: string;
  database?: string;
  description?: string;
  accessPattern?: string;
  file: string;
};

export type DeclaredTopic = {
  name: string;
  description?: string;
  producers: string[];
  producerPattern?: string;
  consumers: string[];
  partitions?: number;
  retention?: string;
  schema?: string;
  cluster?: string;
  files: string[];
};

async function readYaml<T>(
  file: string,
  schema: z.ZodType<T>,
): Promise<{ data: T; absolute: string }> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await fs.readFile(absolute, 'utf8');
  } catch (e) {
    throw new InputError(`Cannot read ${absolute}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (e) {
    throw new InputError(
      `${absolute} is not valid YAML: ${(e as Error).message}`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${absolute}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return { data: parsed.data, absolute };
}

/** The tables declared in spec files; a table declared twice is an error. */
export async function readDeclaredTables(
  files: string[],
): Promise<DeclaredTable[]> {
  const byName = new Map<string, DeclaredTable>();
  for (const file of files) {
    const { data, absolute } = await readYaml(file, tablesFileSchema);
    for (const t of data.tables) {
      const [schema, table] = t.table.split('.');
      const key = t.table.toLocaleLowerCase('en-US');
      const previous = byName.get(key);
      if (previous) {
        throw new InputError(
          `${absolute}: table ${t.table} is already declared in ${previous.file}`,
        );
      }
      byName.set(key, {
        schema,
        table,
        owner: t.owner,
        database: t.database ?? data.database,
        description: t.description,
        accessPattern: t.accessPattern,
        file: absolute,
      });
    }
  }
  return [...byName.values()];
}

/**
 * The topics declared in spec files. A topic may be declared by several
 * files (each producing team its own): producers and consumers add up, so
 * two teams claiming to produce one topic is seen, not hidden.
 */
export async function readDeclaredTopics(
  files: string[],
): Promise<DeclaredTopic[]> {
  const byName = new Map<string, DeclaredTopic>();
  for (const file of files) {
    const { data, absolute } = await readYaml(file, topicsFileSchema);
    for (const t of data.topics) {
      const producers = [
        ...(t.producer ? [t.producer] : []),
        ...(t.producers ?? []),
      ];
      const existing = byName.get(t.name);
      if (!existing) {
        byName.set(t.name, {
          name: t.name,
          description: t.description,
          producers: [...new Set(producers)],
          producerPattern: t.producerPattern,
          consumers: [...new Set(t.consumers)],
          partitions: t.partitions,
          retention: t.retention,
          schema: t.schema,
          cluster: t.cluster ?? data.cluster,
          files: [absolute],
        });
        continue;
      }
      existing.producers = [...new Set([...existing.producers, ...producers])];
      existing.consumers = [
        ...new Set([...existing.consumers, ...t.consumers]),
      ];
      existing.description ??= t.description;
      existing.producerPattern ??= t.producerPattern;
      existing.partitions ??= t.partitions;
      existing.retention ??= t.retention;
      existing.schema ??= t.schema;
      existing.cluster ??= t.cluster ?? data.cluster;
      if (!existing.files.includes(absolute)) existing.files.push(absolute);
    }
  }
  return [...byName.values()];
}
