/**
 * `$text` placeholders for file catalog locations.
 *
 * @packageDocumentation
 */
export { catalogModuleFilePlaceholders as default } from './module';
