/**
 * Template upgrades backend.
 *
 * @packageDocumentation
 */
export { templateUpgradesPlugin as default } from './plugin';
