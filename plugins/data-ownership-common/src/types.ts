import { Entity } from '@backstage/catalog-model';
import { z } from 'zod';
import {
  ANNOTATION_DATA_FINDINGS,
  ANNOTATION_OWNING_SERVICE,
  COLUMN_FLAGS,
  FINDING_RULES,
  LABEL_DATA_OWNERSHIP,
  OWNERSHIP_STATES,
  OwnershipState,
} from './constants';

/** One column of a table entity (`spec.columns[]`). */
export const tableColumnSchema = z.object({
  name: z.string().min(1),
  type: z.string().min(1),
  nullable: z.boolean(),
  flags: z.array(z.enum(COLUMN_FLAGS)).default([]),
  /** Why a flag was set, for the reviewer: "name", "sampled values", "comment". */
  reasons: z.array(z.string()).optional(),
});
export type TableColumn = z.infer<typeof tableColumnSchema>;

/** One rule violation, on the entity it concerns. */
export const dataFindingSchema = z.object({
  rule: z.enum(FINDING_RULES),
  level: z.enum(['warning', 'error']),
  message: z.string(),
  /** Entities the finding is about (the other service's table, the producers…). */
  refs: z.array(z.string()).optional(),
});
export type DataFinding = z.infer<typeof dataFindingSchema>;

/** The Kafka-specific part of a topic entity's spec. */
export const topicSpecSchema = z.object({
  producers: z.array(z.string()).default([]),
  consumers: z.array(z.string()).default([]),
  partitions: z.number().int().positive().optional(),
  retention: z.string().optional(),
  schema: z.string().optional(),
});
export type TopicSpec = z.infer<typeof topicSpecSchema>;

/**
 * The columns of a table entity. Entities come from the catalog API, so they
 * are parsed, not trusted: a malformed column is dropped, not rendered.
 */
export function readTableColumns(entity: Entity): TableColumn[] {
  const raw = (entity.spec as { columns?: unknown } | undefined)?.columns;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap(c => {
    const parsed = tableColumnSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Producers, consumers and settings of a topic entity. */
export function readTopicSpec(entity: Entity): TopicSpec {
  const parsed = topicSpecSchema.safeParse(entity.spec ?? {});
  return parsed.success ? parsed.data : { producers: [], consumers: [] };
}

/** The findings the rules processor wrote on an entity. */
export function readFindings(entity: Entity): DataFinding[] {
  const raw = entity.metadata.annotations?.[ANNOTATION_DATA_FINDINGS];
  if (!raw) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return [];
  }
  const parsed = z.array(dataFindingSchema).safeParse(json);
  return parsed.success ? parsed.data : [];
}

/** The services claiming a table (full component references). */
export function readOwningServices(entity: Entity): string[] {
  const raw = entity.metadata.annotations?.[ANNOTATION_OWNING_SERVICE] ?? '';
  return raw
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

/** The ownership state of a table entity, or undefined for other entities. */
export function readOwnershipState(entity: Entity): OwnershipState | undefined {
  const raw = entity.metadata.labels?.[LABEL_DATA_OWNERSHIP];
  return (OWNERSHIP_STATES as readonly string[]).includes(raw ?? '')
    ? (raw as OwnershipState)
    : undefined;
}
