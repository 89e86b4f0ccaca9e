/**
 * The runbooks backend plugin.
 *
 * @packageDocumentation
 */
export { runbooksPlugin as default } from './plugin';
