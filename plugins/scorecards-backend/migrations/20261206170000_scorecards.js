// @ts-check

/**
 * Scorecard collections.
 *
 * scorecard_collections: one row per collection: when it finished, how
 *   long it took, the sources that failed, and the level and check counts
 *   of every service (JSON, ScoreCounts) for the trend. Kept
 *   scorecards.retentionDays.
 * scorecard_results: one row per service per collection: its refs for the
 *   rollups, its level, its check results and the facts they came from
 *   (JSON). Kept scorecards.detailDays; the latest collection's always.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_collections', table => {
    table.increments('id');
    // ISO 8601 UTC: sorts and compares the same in SQLite and PostgreSQL.
    table.string('finished_at', 32).notNullable();
    table.integer('services').notNullable();
    table.integer('duration_ms').notNullable();
    table.text('source_problems').notNullable();
    table.text('counts').notNullable();
    table.index(['finished_at'], 'scorecard_collections_finished_at_idx');
  });
  await knex.schema.createTable('scorecard_results', table => {
    table
      .integer('collection_id')
      .notNullable()
      .references('id')
      .inTable('scorecard_collections')
      .onDelete('CASCADE');
    table.string('entity_ref', 400).notNullable();
    table.string('title', 400);
    table.string('owner', 400);
    table.string('system', 400);
    table.string('domain', 400);
    table.string('level', 16).notNullable();
    table.text('checks').notNullable();
    table.text('facts').notNullable();
    table.primary(['collection_id', 'entity_ref']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_results');
  await knex.schema.dropTable('scorecard_collections');
};
