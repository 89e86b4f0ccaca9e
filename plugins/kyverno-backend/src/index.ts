/**
 * Kyverno policy reports: per entity, platform-wide by control, history and
 * evidence export.
 *
 * @packageDocumentation
 */
export { kyvernoPlugin as default } from './plugin';
