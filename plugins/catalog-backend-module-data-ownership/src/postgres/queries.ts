/**
 * The catalog queries the introspection runs, kept apart so that the
 * benchmark can time the very same SQL in psql. `$1` is the list of schemas
 * to read, or NULL for every schema but PostgreSQL's own.
 */

const SCHEMA_FILTER = `
  n.nspname <> 'information_schema'
  AND n.nspname NOT LIKE 'pg\\_%'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))`;

/**
 * Ordinary and partitioned tables (partitions are folded into their parent),
 * with their comment, row estimate and size on disk (table, indexes, TOAST).
 * reltuples is -1 for a table never vacuumed or analysed: no estimate then.
 * pg_total_relation_size opens every relation and stats its files: it is
 * most of this query's time (the benchmark shows how much).
 */
export const TABLES_SQL = `
SELECT n.nspname AS schema,
       c.relname AS table,
       d.description AS comment,
       CASE
         WHEN c.relkind = 'p' THEN (
           SELECT sum(greatest(pc.reltuples, 0))::bigint
           FROM pg_partition_tree(c.oid) pt JOIN pg_class pc ON pc.oid = pt.relid
           WHERE pt.isleaf)
         WHEN c.reltuples < 0 THEN NULL
         ELSE c.reltuples::bigint
       END AS row_estimate,
       CASE
         WHEN c.relkind = 'p' THEN (
           SELECT coalesce(sum(pg_total_relation_size(pt.relid)), 0)
           FROM pg_partition_tree(c.oid) pt)
         ELSE pg_total_relation_size(c.oid)
       END AS total_bytes
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${SCHEMA_FILTER}
ORDER BY 1, 2`;

/**
 * Columns of the same tables, in table order; domains report their base
 * type, arrays (and domains over arrays) their element type too. Comments
 * are joined rather than read with col_description(), which runs a query
 * per column (twice as slow on 40,000 columns).
 */
export const COLUMNS_SQL = `
SELECT n.nspname AS schema,
       c.relname AS table,
       a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       coalesce(bt.typname, t.typname) AS base_type,
       et.typname AS element_type,
       NOT a.attnotnull AS nullable,
       d.description AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_type et
  ON coalesce(bt.typcategory, t.typcategory) = 'A'
  AND et.oid = coalesce(bt.typelem, t.typelem)
LEFT JOIN pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${SCHEMA_FILTER}
ORDER BY 1, 2, a.attnum`;

/**
 * Base types a PAN can hide in, alone or as the element of an array: read
 * as text (`::text`), JSON documents and arrays included. citext and hstore
 * are extension types, known by name.
 */
export const SAMPLED_TYPES = new Set([
  'text',
  'varchar',
  'bpchar',
  'citext',
  'json',
  'jsonb',
  'xml',
  'hstore',
  'int8',
  'numeric',
]);

/**
 * Characters of each sampled value read, as text: enough for a JSON
 * document or a note, not a whole blob. One more is read to tell a cut
 * value from a whole one.
 */
export const SAMPLE_CHARS = 8192;
