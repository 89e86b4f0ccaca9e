/** The Sloth service name of an entity, when it differs from its name. */
export const SLO_SERVICE_ANNOTATION = 'local-plus.io/slo-service';

/**
 * Where an entity's SLO spec lives: a Sloth spec (`sloth.slok.dev/v1`
 * PrometheusServiceLevel or `prometheus/v1`) or OpenSLO `v1` documents, as a
 * path relative to the catalog file that holds the entity, e.g.
 * `./services/svc-ledger/slo/sloth.yaml`.
 */
export const SLO_SPEC_ANNOTATION = 'local-plus.io/slo-spec';

/** A dashboard of the service (Grafana or other), linked from its SLO tab. */
export const SLO_DASHBOARD_URL_ANNOTATION = 'local-plus.io/dashboard-url';
