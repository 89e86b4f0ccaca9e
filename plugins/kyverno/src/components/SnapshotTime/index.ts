export { SnapshotTime } from './SnapshotTime';
