import { SnapshotInfo } from '@internal/plugin-kyverno-common';
import { absolute, ago } from '../format';

/** "snapshot of 3 h ago", the exact time on hover. */
export function SnapshotTime(props: { snapshot?: SnapshotInfo | null }) {
  const { snapshot } = props;
  if (snapshot === undefined) return null;
  if (snapshot === null) return <span>No snapshot yet</span>;
  return (
    <span title={`Snapshot ${snapshot.id}, ${absolute(snapshot.takenAt)}`}>
      snapshot of {ago(snapshot.takenAt)}
    </span>
  );
}
