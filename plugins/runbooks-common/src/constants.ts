/** Annotations of the on-call group that name who holds each role this week. */
export const ONCALL_PRIMARY_ANNOTATION = 'local-plus.io/oncall-primary';
export const ONCALL_SECONDARY_ANNOTATION = 'local-plus.io/oncall-secondary';
export const ONCALL_INCIDENT_COMMANDER_ANNOTATION =
  'local-plus.io/oncall-incident-commander';
export const ONCALL_SCHEDULE_ANNOTATION = 'local-plus.io/oncall-schedule';

/** Runbooks live in the entity's TechDocs, in this folder of docs_dir. */
export const RUNBOOKS_FOLDER = 'runbooks';

/** A runbook not reviewed for longer than this is marked stale. */
export const DEFAULT_STALE_AFTER_DAYS = 90;

/**
 * On a team's group: the group that holds its on-call rotation (a group
 * with the annotations above), e.g. `group:default/on-call`. A group that
 * carries those annotations itself is its own rotation.
 */
export const ONCALL_ROTATION_ANNOTATION = 'local-plus.io/oncall-rotation';
