/**
 * Catalog files on the backend's disk: `$text` placeholders, and (in
 * development) registration of `file` locations.
 *
 * @packageDocumentation
 */
export { catalogModuleLocalFiles as default } from './module';
