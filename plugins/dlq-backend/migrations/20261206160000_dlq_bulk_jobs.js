// @ts-check

/**
 * dlq_bulk_jobs: replays and discards of many dead letters at a set rate.
 * One row per job, its progress updated as it goes (any replica of the
 * backend answers "how far is it" from here); each dead letter it touches
 * has its own row in dlq_actions, with bulk_job_id pointing here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dlq_bulk_jobs', table => {
    table.increments('id');
    // replay or discard
    table.string('action', 16).notNullable();
    // running, done, cancelled, failed, interrupted
    table.string('state', 16).notNullable();
    table.string('entity_ref', 255).notNullable();
    // What it acts on: { keys: [...] } or { filter: {...} }, as JSON.
    table.text('selection').notNullable();
    table.text('reason').nullable();
    table.integer('rate_per_second').notNullable();
    // Known at the start: the keys given, or what the filter matched.
    table.integer('total').nullable();
    table.boolean('total_exact').notNullable().defaultTo(true);
    table.integer('done_count').notNullable().defaultTo(0);
    // Already replayed or discarded by someone else (or purged): not done twice.
    table.integer('skipped_count').notNullable().defaultTo(0);
    table.integer('failed_count').notNullable().defaultTo(0);
    table.text('last_error').nullable();
    table.boolean('cancel_requested').notNullable().defaultTo(false);
    table.text('user_entity_ref').notNullable();
    table.text('cancelled_by').nullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('heartbeat_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['entity_ref'], 'dlq_bulk_jobs_entity_ref_idx');
  });
  await knex.schema.alterTable('dlq_actions', table => {
    table.integer('bulk_job_id').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dlq_actions', table => {
    table.dropColumn('bulk_job_id');
  });
  await knex.schema.dropTable('dlq_bulk_jobs');
};
