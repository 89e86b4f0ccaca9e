/**
 * Catalog files on the backend's disk: `$text`, `$yaml` and `$json`
 * placeholders, and (in
 * development) registration of `file` locations.
 *
 * @packageDocumentation
 */
export { catalogModuleLocalFiles as default } from './module';
