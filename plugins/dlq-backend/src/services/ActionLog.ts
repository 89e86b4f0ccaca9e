import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import {
  DependencyError,
  describeCause,
  formatSeconds,
} from '@internal/backend-helpers';
import {
  DeadLetterAction,
  DeadLetterActionOutcome,
} from '@internal/plugin-dlq-common';
import { Knex } from 'knex';

const TABLE = 'dlq_actions';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-dlq-backend',
  'migrations',
);

/** What messages call the database: by the config key that sets it. */
export const AUDIT_DATABASE =
  'The dead-letter audit database (backend.database)';

type Row = {
  id: number;
  action: 'replay' | 'discard';
  outcome: DeadLetterActionOutcome;
  error: string | null;
  entity_ref: string;
  queue: string;
  redis_key: string;
  message_id: string | null;
  actor: string | null;
  reason: string | null;
  user_entity_ref: string;
  /** A Date on PostgreSQL, milliseconds on SQLite. */
  at: Date | number | string;
  bulk_job_id: number | null;
};

/** A replay or discard about to be done: its row before the change. */
export type NewAction = Omit<DeadLetterAction, 'id' | 'outcome' | 'error'>;

/** How it ended. `error` is what the user was told: no address, no stack. */
export type ActionEnd =
  | { outcome: 'done' }
  | { outcome: 'failed'; error: string };

/**
 * The audit trail of replays and discards, in the plugin's own database
 * (SQLite in development, PostgreSQL in production): who did what to which
 * dead letter, when, why and how it ended. The table is made by the knex
 * migrations in `migrations/`.
 *
 * Every failure to reach the database is a DependencyError naming it, with
 * the driver's words (which may hold the SQL and its values) in its detail,
 * for the log only.
 */
export class ActionLog {
  static async create(database: DatabaseService): Promise<ActionLog> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new ActionLog(knex);
  }

  private constructor(readonly knex: Knex) {}

  /**
   * Writes the row of an action before it is done (outcome `pending`) and
   * returns its id. If it cannot be written, the action must not be done:
   * the DependencyError says so.
   */
  async start(action: NewAction): Promise<number> {
    try {
      const [inserted] = await this.knex<Row>(TABLE)
        .insert({
          action: action.action,
          outcome: 'pending',
          error: null,
          entity_ref: action.entityRef,
          queue: action.queue,
          redis_key: action.key,
          message_id: action.messageId ?? null,
          actor: action.actor ?? null,
          reason: action.reason ?? null,
          user_entity_ref: action.by,
          at: new Date(action.at),
          bulk_job_id: action.bulkJobId ?? null,
        })
        .returning('id');
      return Number(typeof inserted === 'object' ? inserted.id : inserted);
    } catch (error) {
      throw this.failure(error, {
        doing: `write to ${TABLE}`,
        hint: `the ${action.action} was refused, as it could not be audited, and the dead letter is untouched; try again later, or check backend.database in the portal config`,
      });
    }
  }

  /** Marks a started action done or failed. */
  async finish(id: number, end: ActionEnd): Promise<void> {
    let updated: number;
    try {
      updated = await this.knex<Row>(TABLE)
        .where('id', id)
        .update({
          outcome: end.outcome,
          error: end.outcome === 'failed' ? end.error : null,
        });
    } catch (error) {
      throw this.failure(error, {
        doing: `update ${TABLE}`,
        hint: 'check backend.database in the portal config',
      });
    }
    if (updated !== 1) {
      throw new Error(`row ${id} of ${TABLE} is gone`);
    }
  }

  /**
   * Newest first. With an actor prefix: what was done from the entity's page
   * and what was done to its actors' dead letters from anywhere else (the
   * platform view); with onlyEntity: what was done from the entity's page
   * (a BullMQ service, whose dead letters no other page shows); with
   * neither: everything.
   */
  async list(options: {
    entityRef: string;
    actorPrefix?: string;
    onlyEntity?: boolean;
    limit: number;
  }): Promise<DeadLetterAction[]> {
    const { entityRef, actorPrefix, limit } = options;
    const query = this.knex<Row>(TABLE)
      .select()
      .orderBy('id', 'desc')
      .limit(limit);
    if (options.onlyEntity) {
      query.where('entity_ref', entityRef);
    } else if (actorPrefix) {
      // substr rather than LIKE: the prefix may hold "_", a LIKE wildcard.
      const length = Math.trunc(actorPrefix.length);
      query.where(q =>
        q
          .where('entity_ref', entityRef)
          .orWhereRaw(`substr(actor, 1, ${length}) = ?`, [actorPrefix]),
      );
    }
    let rows: Row[];
    try {
      rows = await query;
    } catch (error) {
      throw this.failure(error, {
        doing: `read ${TABLE}`,
        hint: 'the audit trail cannot be shown right now; check backend.database in the portal config',
      });
    }
    return rows.map(r => ({
      id: Number(r.id),
      action: r.action,
      outcome: r.outcome,
      ...(r.error ? { error: r.error } : {}),
      entityRef: r.entity_ref,
      queue: r.queue,
      key: r.redis_key,
      messageId: r.message_id ?? undefined,
      actor: r.actor ?? undefined,
      reason: r.reason ?? undefined,
      by: r.user_entity_ref,
      at: new Date(r.at).toISOString(),
      ...(r.bulk_job_id ? { bulkJobId: Number(r.bulk_job_id) } : {}),
    }));
  }

  private failure(
    error: unknown,
    options: { doing: string; hint: string },
  ): DependencyError {
    return databaseFailure(this.knex, error, options);
  }
}

/**
 * A failure to use the plugin's database, as people can act on it: a 503
 * naming it, the driver's words (which may hold SQL and values) in the
 * detail, for the log only.
 */
export function databaseFailure(
  knex: Knex,
  error: unknown,
  options: { doing: string; hint: string },
): DependencyError {
  const cause = databaseCause(
    error,
    knex.client.config?.acquireConnectionTimeout ?? 60_000,
  );
  return new DependencyError({
    dependency: AUDIT_DATABASE,
    problem: cause === 'failed' ? `could not ${options.doing}` : cause,
    hint: options.hint,
    detail: `${options.doing}: ${stringifyError(error)}`,
  });
}

/**
 * What went wrong with the database, in plain words. Judged by error codes
 * and names only: knex puts the SQL, with its values (a user's reason, a
 * key), into the message, where a word like "timeout" means nothing.
 */
function databaseCause(error: unknown, acquireTimeoutMs: number): string {
  const e = error as { name?: unknown; code?: unknown } | undefined;
  if (e?.name === 'KnexTimeoutError') {
    return `did not answer within ${formatSeconds(acquireTimeoutMs)}`;
  }
  // PostgreSQL's invalid_authorization_specification class.
  if (typeof e?.code === 'string' && /^28/.test(e.code)) {
    return "refused the portal's credentials";
  }
  return describeCause(codesOnly(error));
}

type Codes = {
  code?: unknown;
  name?: unknown;
  errors?: Codes[];
  cause?: Codes;
};

function codesOnly(error: unknown, depth = 0): Codes | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const e = error as {
    code?: unknown;
    name?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  return {
    code: e.code,
    name: e.name,
    errors: Array.isArray(e.errors)
      ? e.errors.map(inner => codesOnly(inner, depth + 1) ?? {})
      : undefined,
    cause: codesOnly(e.cause, depth + 1),
  };
}
