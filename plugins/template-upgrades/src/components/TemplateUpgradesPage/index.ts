export { behindSummary, TemplateUpgradesPage } from './TemplateUpgradesPage';
