/**
 * Benchmark (figures, not a timed test): 5,000 tables in a fresh database on
 * the test PostgreSQL; the time the data-ownership provider takes to
 * introspect them and emit their entities, beside the raw time of the very
 * same catalog queries run with psql, side by side in one run.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/catalog-backend-module-data-ownership/bench/introspect.ts
 *
 * Needs LOCALPLUS_PG_* (scripts/services.sh) and psql on PATH.
 * BENCH_DATA_TABLES (5000), BENCH_DATA_RUNS (3), BENCH_DATA_KEEP_DB=1 to keep the database.
 * BENCH_SHORT=1: 50 tables, 2 runs, its own database (make test: fails on any error).
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { readDataOwnershipConfig } from '../src/config';
import {
  LiveTable,
  PostgresIntrospector,
  TableSource,
} from '../src/postgres/PostgresIntrospector';
import { COLUMNS_SQL, TABLES_SQL } from '../src/postgres/queries';
import { DataOwnershipEntityProvider } from '../src/provider/DataOwnershipEntityProvider';

const SHORT = Boolean(process.env.BENCH_SHORT);
const TABLES = Number(process.env.BENCH_DATA_TABLES ?? (SHORT ? 50 : 5000));
const RUNS = Number(process.env.BENCH_DATA_RUNS ?? (SHORT ? 2 : 3));
const SCHEMAS = 10;
const DB = SHORT ? 'dataownership_bench_short' : 'dataownership_bench';
const server = {
  host: process.env.LOCALPLUS_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.LOCALPLUS_PG_PORT ?? 5432),
  user: process.env.LOCALPLUS_PG_USER ?? 'postgres',
  password: process.env.LOCALPLUS_PG_PASSWORD ?? '',
};
const schemas = Array.from(
  { length: SCHEMAS },
  (_, i) => `svc_${String(i).padStart(2, '0')}`,
);

// The harness's logger: the provider's info lines would drown the figures.
const quiet: LoggerService = {
  info() {},
  debug() {},
  warn: m => console.warn(m),
  error: m => console.error(m),
  child: () => quiet,
};

async function sql(database: string, text: string) {
  const client = new Client({ ...server, database });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function createTables() {
  await sql('postgres', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await sql('postgres', `CREATE DATABASE ${DB}`);
  const perSchema = Math.ceil(TABLES / SCHEMAS);
  for (const [s, schema] of schemas.entries()) {
    const count = Math.min(perSchema, TABLES - s * perSchema);
    // One transaction per schema keeps the lock table small.
    await sql(
      DB,
      `CREATE SCHEMA ${schema};
      DO $$
      BEGIN
        FOR i IN 1..${count} LOOP
          EXECUTE format(
            'CREATE TABLE %I.%I (id bigserial PRIMARY KEY, customer_email text, phone_number text,
               amount numeric(12,2), reference text, status text NOT NULL DEFAULT ''new'',
               payload jsonb, created_at timestamptz NOT NULL DEFAULT now())',
            '${schema}', 't_' || lpad(i::text, 4, '0'));
          -- One table in 50 is claimed by nobody.
          IF i % 50 <> 0 THEN
            EXECUTE format('COMMENT ON TABLE %I.%I IS %L', '${schema}',
              't_' || lpad(i::text, 4, '0'), 'owned-by: svc-${s}');
          END IF;
          EXECUTE format(
            'INSERT INTO %I.%I (customer_email, amount, reference)
             SELECT ''m'' || g || ''@example.org'', g, ''REF-'' || g FROM generate_series(1, 3) g',
            '${schema}', 't_' || lpad(i::text, 4, '0'));
        END LOOP;
      END $$;`,
    );
  }
  await sql(DB, 'ANALYZE');
}

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The provider's SQL with the schema list written out, for psql. */
function psqlScript(): string {
  const list = `ARRAY[${schemas.map(s => `'${s}'`).join(',')}]::text[]`;
  const bind = (q: string) => q.replace(/\$1::text\[\]/g, list);
  return [
    '\\timing on',
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;',
    `${bind(TABLES_SQL)};`,
    `${bind(COLUMNS_SQL)};`,
    'COMMIT;',
  ].join('\n');
}

function psqlRun(file: string): { timing: number; wall: number } {
  const started = process.hrtime.bigint();
  const out = execFileSync(
    'psql',
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-d',
      DB,
      '-o',
      '/dev/null',
      '-f',
      file,
    ],
    {
      env: {
        ...process.env,
        PGHOST: server.host,
        PGPORT: String(server.port),
        PGUSER: server.user,
        PGPASSWORD: server.password,
      },
      encoding: 'utf8',
    },
  );
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  // \timing prints one "Time: x ms" per statement; keep the two queries.
  const times = [...out.matchAll(/Time: ([\d.]+) ms/g)].map(m => Number(m[1]));
  return { timing: times[1] + times[2], wall };
}

async function providerRun(sampleRows: number) {
  const config = readDataOwnershipConfig(
    new ConfigReader({
      dataOwnership: {
        databases: [
          {
            name: 'bench',
            resource: 'aiven-postgresql',
            connection: { ...server, database: DB },
            schemas,
            sampleRows,
            statementTimeoutMs: 120_000,
          },
        ],
      },
    }),
  );
  let introspectMs = 0;
  let tables: LiveTable[] = [];
  let mutationBytes = 0;
  const provider = new DataOwnershipEntityProvider({
    config,
    logger: quiet,
    taskRunner: { run: async () => {} },
    sourceFor: (db): TableSource => {
      const inner = new PostgresIntrospector(db, quiet);
      return {
        async introspect() {
          const t0 = performance.now();
          tables = await inner.introspect();
          introspectMs = performance.now() - t0;
          return tables;
        },
      };
    },
  });
  await provider.connect({
    async applyMutation(m) {
      mutationBytes = Buffer.byteLength(JSON.stringify(m));
    },
    async refresh() {},
  });
  const t0 = performance.now();
  const result = await provider.refresh();
  const totalMs = performance.now() - t0;
  if (!result.applied) throw new Error('the provider applied nothing');
  if (result.entities.length < TABLES) {
    throw new Error(`${result.entities.length} entities of ${TABLES} tables`);
  }
  return {
    totalMs,
    introspectMs,
    emitMs: totalMs - introspectMs,
    entities: result.entities.length,
    columns: tables.reduce((n, t) => n + t.columns.length, 0),
    flagged: tables.filter(t => t.columns.some(c => c.flags.length)).length,
    mutationBytes,
  };
}

async function main() {
  const pgVersion = execFileSync('psql', ['--version'], {
    encoding: 'utf8',
  }).trim();
  console.log(
    `== data ownership: ${TABLES} tables in ${SCHEMAS} schemas (${pgVersion}, ${server.host}:${server.port}), ${RUNS} runs`,
  );
  const t0 = performance.now();
  await createTables();
  console.log(
    `setup: ${TABLES} tables created, filled and analysed in ${(
      (performance.now() - t0) /
      1000
    ).toFixed(1)} s`,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-data-ownership-'));
  const file = path.join(dir, 'catalog-queries.sql');
  fs.writeFileSync(file, psqlScript());
  try {
    psqlRun(file); // warm the catalog caches, as the provider's first run does below
    await providerRun(0);
    const psql = Array.from({ length: RUNS }, () => psqlRun(file));
    const plain = [];
    for (let i = 0; i < RUNS; i++) plain.push(await providerRun(0));
    const sampled = [];
    for (let i = 0; i < RUNS; i++) sampled.push(await providerRun(5));

    const row = (what: string, xs: number[]) =>
      console.log(
        `${what.padEnd(58)}${median(xs).toFixed(0).padStart(9)} ms${Math.min(
          ...xs,
        )
          .toFixed(0)
          .padStart(9)} ms`,
      );
    console.log(
      `${'what'.padEnd(58)}${'median'.padStart(12)}${'min'.padStart(12)}`,
    );
    row(
      'psql: the same two catalog queries (\\timing, sum)',
      psql.map(p => p.timing),
    );
    row(
      'psql: whole process, connect + output to /dev/null',
      psql.map(p => p.wall),
    );
    row(
      'provider: introspect (same queries + row mapping, flags)',
      plain.map(p => p.introspectMs),
    );
    row(
      'provider: build entities + apply mutation',
      plain.map(p => p.emitMs),
    );
    row(
      'provider: introspect + emit, no sampling',
      plain.map(p => p.totalMs),
    );
    row(
      'provider: introspect + emit, sampling 5 rows per table',
      sampled.map(p => p.totalMs),
    );
    const last = sampled[sampled.length - 1];
    console.log(
      `entities: ${last.entities}, columns: ${
        last.columns
      }, tables with flagged columns: ${last.flagged}, full mutation: ${(
        last.mutationBytes /
        1024 /
        1024
      ).toFixed(1)} MiB of JSON`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    if (process.env.BENCH_DATA_KEEP_DB !== '1') {
      await sql('postgres', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    }
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
