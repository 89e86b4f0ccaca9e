import { DatabaseService } from '@backstage/backend-plugin-api';
import { DeadLetterAction } from '@internal/plugin-dlq-common';
import { Knex } from 'knex';

const TABLE = 'dlq_actions';

type Row = {
  id: number;
  action: 'replay' | 'discard';
  entity_ref: string;
  queue: string;
  redis_key: string;
  message_id: string | null;
  actor: string | null;
  reason: string | null;
  user_entity_ref: string;
  /** A Date on PostgreSQL, milliseconds on SQLite. */
  at: Date | number | string;
};

/** Creates the table if it is not there (also when two replicas race). */
async function ensureTable(knex: Knex) {
  if (await knex.schema.hasTable(TABLE)) return;
  try {
    await knex.schema.createTable(TABLE, table => {
      table.increments('id');
      table.string('action', 16).notNullable();
      table.string('entity_ref', 255).notNullable();
      table.string('queue', 100).notNullable();
      table.string('redis_key', 100).notNullable();
      table.string('message_id', 255).nullable();
      table.string('actor', 255).nullable();
      table.text('reason').nullable();
      // "user" is a reserved word in PostgreSQL: awkward in reviewers' SQL.
      table.string('user_entity_ref', 255).notNullable();
      table.timestamp('at', { useTz: true }).notNullable();
      table.index(['entity_ref'], 'dlq_actions_entity_ref_idx');
      table.index(['actor'], 'dlq_actions_actor_idx');
    });
  } catch (error) {
    if (!(await knex.schema.hasTable(TABLE))) throw error;
  }
}

/**
 * The audit trail of replays and discards, in the plugin's own database
 * (SQLite in development, PostgreSQL in production): who did what to which
 * dead letter, when and why.
 */
export class ActionLog {
  static async create(database: DatabaseService): Promise<ActionLog> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) await ensureTable(knex);
    return new ActionLog(knex);
  }

  private constructor(private readonly knex: Knex) {}

  async record(action: Omit<DeadLetterAction, 'id'>): Promise<number> {
    const [inserted] = await this.knex<Row>(TABLE)
      .insert({
        action: action.action,
        entity_ref: action.entityRef,
        queue: action.queue,
        redis_key: action.key,
        message_id: action.messageId ?? null,
        actor: action.actor ?? null,
        reason: action.reason ?? null,
        user_entity_ref: action.by,
        at: new Date(action.at),
      })
      .returning('id');
    return typeof inserted === 'object' ? inserted.id : inserted;
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
    const rows: Row[] = await query;
    return rows.map(r => ({
      id: Number(r.id),
      action: r.action,
      entityRef: r.entity_ref,
      queue: r.queue,
      key: r.redis_key,
      messageId: r.message_id ?? undefined,
      actor: r.actor ?? undefined,
      reason: r.reason ?? undefined,
      by: r.user_entity_ref,
      at: new Date(r.at).toISOString(),
    }));
  }
}
