import { Entity } from '@backstage/catalog-model';

/** The Kubernetes plugin's annotations that tie an entity to workloads. */
export const KUBERNETES_ANNOTATIONS = [
  'backstage.io/kubernetes-id',
  'backstage.io/kubernetes-label-selector',
  'backstage.io/kubernetes-namespace',
] as const;

/** Entities whose workloads the clusters' policy reports can mention. */
export const hasKubernetesWorkloads = (entity: Entity) =>
  KUBERNETES_ANNOTATIONS.some(a =>
    Boolean(entity.metadata.annotations?.[a]?.trim()),
  );

/** `backstage.io/kubernetes-id: svc-ledger`, for the empty state. */
export function workloadAnnotations(entity: Entity): string[] {
  return KUBERNETES_ANNOTATIONS.flatMap(a => {
    const v = entity.metadata.annotations?.[a]?.trim();
    return v ? [`${a}: ${v}`] : [];
  });
}
