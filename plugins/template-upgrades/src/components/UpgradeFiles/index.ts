export { UpgradeFiles } from './UpgradeFiles';
