// @ts-check

/**
 * dlq_actions: the audit trail of replays and discards.
 *
 * Column widths follow what the API accepts (the request schemas of
 * plugins/dlq-common): entity_ref 255, queue 100, redis_key 200 characters,
 * reason up to 500 (text). What the API does not bound is text: the message
 * id and actor the broker stored, the user's reference from their token and
 * the error an action ended with. src/services/ActionLog.test.ts feeds the
 * longest of each to SQLite and PostgreSQL.
 *
 * A row is written before the dead letter is touched (outcome `pending`),
 * then marked `done` or `failed` (with the error the user was told).
 *
 * Installations from before the migrations already have the table, made at
 * start-up by the plugin itself with narrower columns (redis_key
 * varchar(100), message_id, actor and user_entity_ref varchar(255)) and no
 * outcome: it is brought to this shape in place, its rows kept and marked
 * `done` (a row was only written once its change had succeeded). The index
 * on actor goes: the trail filters actors by prefix with substr(), which it
 * never served, and a btree on text would cap how long an actor may be.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (!(await knex.schema.hasTable('dlq_actions'))) {
    await knex.schema.createTable('dlq_actions', table => {
      table.increments('id');
      // replay or discard
      table.string('action', 16).notNullable();
      // pending (written before the change), done or failed
      table.string('outcome', 16).notNullable();
      // Why it failed, as the user was told.
      table.text('error').nullable();
      table.string('entity_ref', 255).notNullable();
      table.string('queue', 100).notNullable();
      table.string('redis_key', 200).notNullable();
      table.text('message_id').nullable();
      table.text('actor').nullable();
      table.text('reason').nullable();
      // "user" is a reserved word in PostgreSQL: awkward in reviewers' SQL.
      table.text('user_entity_ref').notNullable();
      table.timestamp('at', { useTz: true }).notNullable();
      table.index(['entity_ref'], 'dlq_actions_entity_ref_idx');
    });
    return;
  }

  // The table of an installation from before the migrations.
  await knex.schema.alterTable('dlq_actions', table => {
    table.string('outcome', 16).nullable();
    table.text('error').nullable();
  });
  await knex('dlq_actions').update({ outcome: 'done' });
  await knex.schema.alterTable('dlq_actions', table => {
    table.dropIndex(['actor'], 'dlq_actions_actor_idx');
  });
  await knex.schema.alterTable('dlq_actions', table => {
    table.string('outcome', 16).notNullable().alter();
    table.string('redis_key', 200).notNullable().alter();
    table.text('message_id').nullable().alter();
    table.text('actor').nullable().alter();
    table.text('user_entity_ref').notNullable().alter();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dlq_actions');
};
