/**
 * Scaffolder actions, template globals and template filters of the
 * Local-Plus golden-path templates.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGoldenPath as default } from './module';
export { createPublishLocalAction } from './actions/publishLocal';
export { createPublishLocalSettingsAction } from './actions/publishLocalSettings';
export { createRegisterLocalAction } from './actions/registerLocal';
export { createAssertEntityAbsentAction } from './actions/assertEntityAbsent';
export { createWaitForEntityAction } from './actions/waitForEntity';
export { goldenPathTemplateFilters } from './templateFilters';
