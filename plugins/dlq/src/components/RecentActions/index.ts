export { RecentActions } from './RecentActions';
