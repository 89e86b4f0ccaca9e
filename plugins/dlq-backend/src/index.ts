/**
 * The dead-letter backend plugin: Dramatiq dead letters per entity, replay
 * and discard with permissions and an audit trail.
 *
 * @packageDocumentation
 */
export { dlqPlugin as default } from './plugin';
