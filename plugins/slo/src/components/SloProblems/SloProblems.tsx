import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { SloServerError, SloSpecProblem } from '@internal/plugin-slo-common';

/**
 * What went wrong beside the SLOs that could be read: a spec that cannot be
 * used (its message names the file and the field), a Prometheus server
 * that did not answer while others did.
 */
export function SloProblems(props: {
  specProblems?: SloSpecProblem[];
  errors?: SloServerError[];
  showEntity?: boolean;
}) {
  return (
    <>
      {(props.specProblems ?? []).map(p => (
        <Alert key={`${p.entityRef} ${p.message}`} severity="error">
          <AlertTitle>
            SLO spec {p.file}
            {props.showEntity ? ` of ${p.entityRef}` : ''} cannot be used
          </AlertTitle>
          {p.message}
        </Alert>
      ))}
      {(props.errors ?? []).map(e => (
        <Alert key={`${e.server} ${e.message}`} severity="warning">
          {e.server}: {e.message}
        </Alert>
      ))}
    </>
  );
}
