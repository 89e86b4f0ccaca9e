export { CatalogueFindings } from './CatalogueFindings';
