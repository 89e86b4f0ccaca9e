/**
 * Template upgrades in the portal: the Golden path card and Upgrade tab of
 * every generated service, and the Template upgrades page.
 *
 * @packageDocumentation
 */
export {
  templateUpgradesPlugin as default,
  isGeneratedFromTemplate,
} from './plugin';
export {
  TemplateUpgradesClient,
  templateUpgradesApiRef,
} from './api/TemplateUpgradesClient';
export type { TemplateUpgradesApi } from './api/TemplateUpgradesClient';
