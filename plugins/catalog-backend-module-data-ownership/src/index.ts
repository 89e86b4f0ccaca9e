/***/
/**
 * The data-ownership backend module for the catalog plugin.
 *
 * @packageDocumentation
 */

export { catalogModuleDataOwnership as default } from './module';
