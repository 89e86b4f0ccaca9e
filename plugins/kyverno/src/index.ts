/**
 * Kyverno policy reports in the portal: the Policies card and tab of
 * entities with Kubernetes workloads, and the compliance page.
 *
 * @packageDocumentation
 */
export { kyvernoPlugin as default } from './plugin';
export { KyvernoClient, kyvernoApiRef } from './api/KyvernoClient';
export type {
  ExportedFile,
  ExportFormat,
  ExportRequest,
  KyvernoApi,
} from './api/KyvernoClient';
export { hasKubernetesWorkloads } from './annotations';
