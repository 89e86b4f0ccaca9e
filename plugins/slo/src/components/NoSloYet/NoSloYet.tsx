import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { SLO_SPEC_ANNOTATION } from '@internal/plugin-slo-common';
import Typography from '@material-ui/core/Typography';

const ANNOTATION = `metadata:
  annotations:
    ${SLO_SPEC_ANNOTATION}: ./slo/sloth.yaml`;

const SPEC = `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: svc-example
spec:
  service: svc-example
  slos:
    - name: availability
      objective: 99.9
      description: Requests answered without a server error.
      sli:
        events:
          errorQuery: sum(rate(http_server_request_duration_seconds_count{service_name="svc-example",http_response_status_code=~"5.."}[{{.window}}]))
          totalQuery: sum(rate(http_server_request_duration_seconds_count{service_name="svc-example"}[{{.window}}]))`;

/** The empty state of an entity without SLO: how to add one. */
export function NoSloYet() {
  return (
    <EmptyState
      missing="data"
      title="This service has no SLO yet"
      description="Here is how to add one: write a Sloth spec (or an OpenSLO v1 document) beside the catalog file of the service, and point the entity to it. Its objectives show here at once; once Sloth's recording rules are deployed, the portal also finds them in Prometheus by service name."
      action={
        <>
          <Typography variant="subtitle2">
            1. In the entity's catalog file:
          </Typography>
          <CodeSnippet language="yaml" text={ANNOTATION} showCopyCodeButton />
          <Typography variant="subtitle2">2. In slo/sloth.yaml:</Typography>
          <CodeSnippet language="yaml" text={SPEC} showCopyCodeButton />
        </>
      }
    />
  );
}
