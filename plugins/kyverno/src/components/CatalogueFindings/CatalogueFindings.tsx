import { CatalogueFinding } from '@internal/plugin-kyverno-common';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

const what = (f: CatalogueFinding) =>
  f.type === 'unknown-policy'
    ? `Unknown policy ${f.policy} (${f.clusters.join(', ')})`
    : `Control ${f.control} has no policy`;

/**
 * Where the repository and the clusters disagree: policies the clusters run
 * that the repository does not know, controls no policy evidences.
 */
export function CatalogueFindings({
  findings,
}: {
  findings: CatalogueFinding[];
}) {
  if (findings.length === 0) return null;
  return (
    <Alert severity="warning" data-testid="catalogue-findings">
      <AlertTitle>
        The policy repository and the clusters disagree ({findings.length})
      </AlertTitle>
      <ul style={{ margin: 0, paddingLeft: 20 }}>
        {findings.map(f => (
          <li key={`${f.type}:${'policy' in f ? f.policy : f.control}`}>
            <strong>{what(f)}</strong>: {f.message}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
