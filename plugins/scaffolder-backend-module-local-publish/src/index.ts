/**
 * The local-publish module for @backstage/plugin-scaffolder-backend.
 *
 * @packageDocumentation
 */
export { scaffolderModuleLocalPublish as default } from './module';
export { createPublishLocalAction } from './actions/publishLocal';
