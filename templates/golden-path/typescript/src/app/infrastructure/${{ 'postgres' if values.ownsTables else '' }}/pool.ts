import pg from 'pg';

// int8 columns (balances, counts) arrive as JavaScript numbers. Every bigint
// this service stores is bounded far below 2^53 (see domain/accounts), so the
// conversion is exact; a value out of range is a bug and fails loudly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} is out of the safe range`);
  return n;
});

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PoolOptions {
  /** A URL, or a function giving the current one for each new connection (see database-url.ts). */
  connectionString: string | (() => string);
  max: number;
  applicationName: string;
  onIdleError?: (error: Error) => void;
  /** Longest a statement may run; 5 s by default (API requests). */
  statementTimeoutMs?: number;
  /** Longest a statement may wait for a lock; no limit by default (statementTimeoutMs bounds it). */
  lockTimeoutMs?: number;
}

export function createPool(options: PoolOptions): Pool {
  const { connectionString } = options;
  const pool = new pg.Pool({
    ...(typeof connectionString === 'string'
      ? { connectionString }
      : { Client: clientWithCurrentUrl(connectionString) }),
    // Connections are closed after 15 minutes, so none outlives the
    // credentials it was opened with (Vault users live an hour).
    maxLifetimeSeconds: 900,
    max: options.max,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
    // A stuck statement or an abandoned transaction must not hold row locks
    // (and so block every write to that account) for long.
    statement_timeout: options.statementTimeoutMs ?? 5_000,
    ...(options.lockTimeoutMs !== undefined ? { lock_timeout: options.lockTimeoutMs } : {}),
    idle_in_transaction_session_timeout: 10_000,
  });
  // An idle connection dropped by the server (failover, PgBouncer restart)
  // emits 'error' on the pool; unhandled, it would crash the process.
  pool.on('error', error => options.onIdleError?.(error));
  return pool;
}

/** A pg.Client that asks for the URL when the pool opens it, not when the pool was made. */
function clientWithCurrentUrl(url: () => string): typeof pg.Client {
  return class ClientWithCurrentUrl extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super({ ...(typeof config === 'object' ? config : {}), connectionString: url() });
    }
  };
}

/** Runs `work` in one transaction: COMMIT if it resolves, ROLLBACK if it throws. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // The server may end the session while it is checked out (idle-in-transaction
  // timeout, failover). pg then emits 'error' on the client, which would crash
  // the process without a listener; the pending or next query fails instead,
  // and the broken connection is discarded rather than returned to the pool.
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}

export async function pingPostgres(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
