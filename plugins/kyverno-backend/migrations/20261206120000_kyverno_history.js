// @ts-check

/**
 * The history of the clusters' policy reports (Kyverno keeps only the
 * current state).
 *
 * kyverno_snapshots: one row per snapshot: when, and how reading each
 *   cluster went (JSON, ClusterStatus[]).
 * kyverno_results: one row per state of a result, valid from the snapshot
 *   that first saw it (`from_snapshot`) until the snapshot that no longer
 *   did (`to_snapshot`, null while current). A result that stays the same
 *   across snapshots is stored once, so an hourly history of 30,000 results
 *   does not grow by 30,000 rows an hour. `first_seen` carries over while
 *   the outcome stays the same ("open for 23 days").
 * kyverno_counts: counts per snapshot, cluster, namespace, policy, severity
 *   and outcome, for the trend.
 * kyverno_exports: the audit trail of evidence exports.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kyverno_snapshots', table => {
    table.increments('id');
    // ISO 8601 UTC: sorts and compares the same in SQLite and PostgreSQL.
    table.string('taken_at', 32).notNullable();
    table.text('clusters').notNullable();
    table.integer('results').notNullable();
    table.index(['taken_at'], 'kyverno_snapshots_taken_at_idx');
  });
  await knex.schema.createTable('kyverno_results', table => {
    table.increments('id');
    table.integer('from_snapshot').notNullable();
    table.integer('to_snapshot').nullable();
    // sha256 of everything that makes this state (see SnapshotStore).
    table.string('state_key', 64).notNullable();
    // sha256 of cluster, policy, rule and resource: the finding across states.
    table.string('finding_key', 64).notNullable();
    table.string('first_seen', 32).notNullable();
    table.string('cluster', 253).notNullable();
    table.text('report').notNullable();
    table.string('report_api', 64).notNullable();
    table.string('policy', 253).notNullable();
    table.string('rule', 253).notNullable();
    table.string('result', 16).notNullable();
    table.string('outcome', 16).notNullable();
    table.text('exception').nullable();
    table.string('severity', 16).nullable();
    table.text('category').nullable();
    table.text('message').nullable();
    table.text('resource_api_version').notNullable();
    table.text('resource_kind').notNullable();
    table.string('resource_namespace', 253).nullable();
    table.text('resource_name').notNullable();
    table.text('resource_uid').nullable();
    table.text('resource_labels').notNullable();
    table.string('timestamp', 32).nullable();
    table.text('source').nullable();
    table.boolean('scored').nullable();
    table.text('properties').notNullable();
    table.string('policy_digest', 64).nullable();
    table.index(['cluster', 'to_snapshot'], 'kyverno_results_current_idx');
    table.index(['from_snapshot'], 'kyverno_results_from_idx');
    table.index(['to_snapshot'], 'kyverno_results_to_idx');
  });
  await knex.schema.createTable('kyverno_counts', table => {
    table.integer('snapshot_id').notNullable();
    table.string('cluster', 253).notNullable();
    table.string('namespace', 253).notNullable();
    table.string('policy', 253).notNullable();
    table.string('severity', 16).notNullable();
    table.string('outcome', 16).notNullable();
    table.integer('count').notNullable();
    table.index(['snapshot_id'], 'kyverno_counts_snapshot_idx');
  });
  await knex.schema.createTable('kyverno_exports', table => {
    table.increments('id');
    table.text('user_entity_ref').notNullable();
    table.string('at', 32).notNullable();
    table.string('format', 8).notNullable();
    // What was exported: snapshot id or range, and the filter (JSON).
    table.text('scope').notNullable();
    table.integer('rows').nullable();
    // pending (written before the export), done or failed
    table.string('outcome', 16).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kyverno_exports');
  await knex.schema.dropTable('kyverno_counts');
  await knex.schema.dropTable('kyverno_results');
  await knex.schema.dropTable('kyverno_snapshots');
};
