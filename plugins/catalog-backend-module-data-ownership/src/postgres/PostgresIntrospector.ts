import { LoggerService } from '@backstage/backend-plugin-api';
import { ColumnFlag } from '@internal/plugin-data-ownership-common';
import { Client, ClientConfig, DatabaseError } from 'pg';
import { DatabaseConfig } from '../config';
import { classifyColumnName, countCardSamples } from '../lib/classify';
import {
  COLUMNS_SQL,
  SAMPLE_CHARS,
  SAMPLED_TYPES,
  TABLES_SQL,
} from './queries';

/** Tables sampled per round trip. */
const SAMPLE_BATCH = 100;

export type LiveColumn = {
  name: string;
  type: string;
  nullable: boolean;
  flags: ColumnFlag[];
  reasons: string[];
};

export type LiveTable = {
  schema: string;
  table: string;
  comment: string | null;
  rowEstimate: number | null;
  totalBytes: number;
  columns: LiveColumn[];
  /** `sampled`, `off`, `no candidate column` or `skipped (SQLSTATE …)`. */
  sampling: string;
};

/** What the provider needs from a database: its tables, or an error. */
export interface TableSource {
  introspect(): Promise<LiveTable[]>;
}

/**
 * A sampled value as the classifier sees it. A value cut at SAMPLE_CHARS
 * loses its last run of digits, which the cut may have shortened into
 * something that looks like a card number.
 */
function sampledText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (value.length <= SAMPLE_CHARS) return value;
  const chars = Array.from(value); // left() counts characters, not UTF-16 units
  if (chars.length <= SAMPLE_CHARS) return value;
  return chars
    .slice(0, SAMPLE_CHARS)
    .join('')
    .replace(/[\d -]+$/, '');
}

/**
 * Reads one PostgreSQL database's tables and columns from pg_catalog, in a
 * read-only session, and samples a few values of text-like (JSON and
 * arrays too) and numeric columns to find card numbers. Sampled values are
 * checked in memory and dropped: they are never returned, stored or logged.
 */
export class PostgresIntrospector implements TableSource {
  constructor(
    private readonly db: DatabaseConfig,
    private readonly logger: LoggerService,
  ) {}

  private clientConfig(): ClientConfig {
    const c = this.db.connection;
    return {
      host: c.host,
      port: c.port,
      user: c.user,
      password: c.password,
      database: c.database,
      ssl: c.ssl,
      application_name: 'backstage-data-ownership',
      connectionTimeoutMillis: this.db.connectTimeoutMs,
      // Client-side guard too, in case the server never answers.
      query_timeout: this.db.statementTimeoutMs + 5_000,
    };
  }

  /**
   * A connected session that is read-only whatever the role may do, bounded
   * in time, and never queued behind a migration's lock.
   */
  protected async session(): Promise<Client> {
    const client = new Client(this.clientConfig());
    // A server that goes away emits 'error' on the client; without a
    // listener that would crash the backend. The failing query rejects too.
    client.on('error', error =>
      this.logger.debug(`connection to ${this.db.name} lost: ${error.message}`),
    );
    await client.connect();
    try {
      await client.query(`SET default_transaction_read_only = on`);
      await client.query(
        `SET statement_timeout = ${Number(this.db.statementTimeoutMs)}`,
      );
      await client.query(`SET lock_timeout = '5s'`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    return client;
  }

  async introspect(): Promise<LiveTable[]> {
    const client = await this.session();
    try {
      const { tables, candidates } = await this.readCatalog(client);
      if (this.db.sampleRows > 0) {
        const sampled = tables.filter(t => candidates.get(t)?.length);
        for (let i = 0; i < sampled.length; i += SAMPLE_BATCH) {
          await this.sampleBatch(
            client,
            sampled.slice(i, i + SAMPLE_BATCH),
            candidates,
          );
        }
      }
      return tables;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Tables and columns from one snapshot, so both lists agree. */
  private async readCatalog(client: Client): Promise<{
    tables: LiveTable[];
    /** Per table, the columns whose values are worth sampling. */
    candidates: Map<LiveTable, string[]>;
  }> {
    const schemas = this.db.schemas ?? null;
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const tables = await client.query(TABLES_SQL, [schemas]);
      const columns = await client.query(COLUMNS_SQL, [schemas]);
      await client.query('COMMIT');

      const byKey = new Map<string, LiveTable>();
      const candidates = new Map<LiveTable, string[]>();
      for (const row of tables.rows) {
        byKey.set(`${row.schema}\u0000${row.table}`, {
          schema: row.schema,
          table: row.table,
          comment: row.comment,
          rowEstimate:
            row.row_estimate === null ? null : Number(row.row_estimate),
          totalBytes: Number(row.total_bytes ?? 0),
          columns: [],
          sampling: this.db.sampleRows > 0 ? 'no candidate column' : 'off',
        });
      }
      for (const row of columns.rows) {
        const table = byKey.get(`${row.schema}\u0000${row.table}`);
        if (!table) continue;
        const verdict = classifyColumnName(row.name, row.comment);
        table.columns.push({
          name: row.name,
          type: row.type,
          nullable: row.nullable,
          flags: verdict.flags,
          reasons: verdict.reasons,
        });
        if (
          SAMPLED_TYPES.has(row.element_type ?? row.base_type) &&
          !verdict.flags.includes('card-data')
        ) {
          const list = candidates.get(table) ?? [];
          list.push(row.name);
          candidates.set(table, list);
        }
      }
      return { tables: [...byKey.values()], candidates };
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * The sampling query of one table: each value as text (JSON documents
   * and arrays too), cut to SAMPLE_CHARS characters and one.
   */
  private sampleSql(client: Client, table: LiveTable, columns: string[]) {
    const select = columns
      .map(
        (c, i) =>
          `left(${client.escapeIdentifier(c)}::text, ${
            SAMPLE_CHARS + 1
          }) AS c${i}`,
      )
      .join(', ');
    const from = `${client.escapeIdentifier(
      table.schema,
    )}.${client.escapeIdentifier(table.table)}`;
    return `SELECT ${select} FROM ${from} LIMIT ${Number(this.db.sampleRows)}`;
  }

  /**
   * Flags the columns of which at least minCardSamples sampled values hold
   * a card number. Only the count is kept.
   */
  private judge(table: LiveTable, columns: string[], rows: unknown[][]) {
    columns.forEach((name, i) => {
      const found = countCardSamples(rows.map(r => sampledText(r[i])));
      if (found >= this.db.minCardSamples) {
        const column = table.columns.find(c => c.name === name)!;
        column.flags.push('card-data');
        column.reasons.push('sampled values pass Luhn');
      }
    });
    table.sampling = 'sampled';
  }

  /**
   * Looks at a few rows of each table for PAN-like values: many tables per
   * round trip (one multi-statement query), and table by table for a batch
   * where one table cannot be read, so that it alone goes unsampled. Each
   * value is cut to SAMPLE_CHARS characters in the query, so that large
   * documents are not transferred whole.
   */
  private async sampleBatch(
    client: Client,
    tables: LiveTable[],
    candidates: Map<LiveTable, string[]>,
  ): Promise<void> {
    const text = tables
      .map(t => this.sampleSql(client, t, candidates.get(t)!))
      .join(';\n');
    try {
      const results = await client.query({ text, rowMode: 'array' });
      // One statement gives one result, several an array of them.
      const list = Array.isArray(results) ? results : [results];
      tables.forEach((t, i) => this.judge(t, candidates.get(t)!, list[i].rows));
      return;
    } catch (e) {
      if (!(e instanceof DatabaseError)) throw e; // the connection failed
    }
    for (const table of tables) {
      const columns = candidates.get(table)!;
      try {
        const result = await client.query({
          text: this.sampleSql(client, table, columns),
          rowMode: 'array',
        });
        this.judge(table, columns, result.rows);
      } catch (e) {
        // Only the SQLSTATE is kept: a message could quote data.
        const code = e instanceof DatabaseError ? e.code : undefined;
        if (!code) throw e;
        table.sampling = `skipped (SQLSTATE ${code})`;
        this.logger.debug(
          `no sample of ${table.schema}.${table.table} in ${this.db.name}: SQLSTATE ${code}`,
        );
      }
    }
  }
}
