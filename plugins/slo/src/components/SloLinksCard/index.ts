export { SloLinksCard, dashboardsOf } from './SloLinksCard';
