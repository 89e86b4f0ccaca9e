import { FiringAlert, Runbook } from '@internal/plugin-runbooks-common';
import { PrometheusAlert } from './PrometheusAlerts';

/** The path part of a runbook_url, normalised to end with one slash. */
function docsPathOf(runbookUrl: string): string | undefined {
  try {
    const { pathname } = new URL(runbookUrl, 'http://portal.invalid');
    return `${pathname.replace(/\/+$/, '')}/`;
  } catch {
    return undefined;
  }
}

/**
 * Ties each alert to the runbook to follow. The alert's `runbook_url`
 * annotation wins when it points at a known runbook page; otherwise the
 * runbooks of the alert's service (label `service`) that list the alert's
 * name; otherwise any runbook listing the name (platform runbooks).
 */
export function joinAlertsToRunbooks(
  alerts: PrometheusAlert[],
  runbooks: Runbook[],
  entityRefOfService: (service: string) => string | undefined,
): FiringAlert[] {
  const byPath = new Map(runbooks.map(r => [r.docsPath, r]));
  return alerts.map(alert => {
    const name = alert.labels.alertname ?? 'unnamed alert';
    const service = alert.labels.service;
    const entityRef = service ? entityRefOfService(service) : undefined;
    const runbookUrl = alert.annotations.runbook_url;

    const byUrl = runbookUrl
      ? byPath.get(docsPathOf(runbookUrl) ?? '')
      : undefined;
    const byName = (r: Runbook) => r.alerts.includes(name);
    const runbook =
      byUrl ??
      runbooks.find(r => byName(r) && r.entityRef === entityRef) ??
      runbooks.find(byName);

    return {
      name,
      severity: alert.labels.severity,
      service,
      entityRef,
      summary: alert.annotations.summary ?? alert.annotations.description,
      activeAt: alert.activeAt,
      labels: alert.labels,
      runbookUrl,
      runbook: runbook && {
        entityRef: runbook.entityRef,
        id: runbook.id,
        title: runbook.title,
        docsPath: runbook.docsPath,
        stale: runbook.stale,
      },
    };
  });
}
