export { ClusterStatuses, staleNote } from './ClusterStatuses';
