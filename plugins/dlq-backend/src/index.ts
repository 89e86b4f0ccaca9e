/**
 * The dead-letter backend plugin: dead letters per entity (Dramatiq's and
 * BullMQ's), replay and discard with permissions and an audit trail.
 *
 * @packageDocumentation
 */
export { dlqPlugin as default } from './plugin';
