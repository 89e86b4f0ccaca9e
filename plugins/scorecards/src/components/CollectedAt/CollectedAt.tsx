import { absolute, ago } from '../format';

/** "Collected 3 h ago", the exact time on hover. */
export function CollectedAt(props: { at?: string; prefix?: string }) {
  const { at, prefix = 'Collected' } = props;
  if (!at) return null;
  return (
    <span title={absolute(at)}>
      {prefix} {ago(at)}
    </span>
  );
}
