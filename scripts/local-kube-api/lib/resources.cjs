'use strict';
/**
 * The API resources the local Kubernetes API serves: what discovery lists and
 * what the list/get routes answer. Names, kinds, short names and categories
 * are those of a real cluster (Kubernetes 1.31, Kyverno 1.15+, metrics-server).
 * Verbs are read-only: the fake refuses every write.
 */

const READ = ['get', 'list', 'watch'];

/** Groups whose presence can be switched off with `apiGroups`. */
const REPORT_GROUPS = ['wgpolicyk8s.io', 'openreports.io'];

// group, version, then the resources of that group version.
const GROUP_VERSIONS = [
  {
    group: '',
    version: 'v1',
    resources: [
      {
        plural: 'configmaps',
        kind: 'ConfigMap',
        namespaced: true,
        shortNames: ['cm'],
      },
      {
        plural: 'events',
        kind: 'Event',
        namespaced: true,
        shortNames: ['ev'],
        fieldLabels: [
          'involvedObject.kind',
          'involvedObject.namespace',
          'involvedObject.name',
          'involvedObject.uid',
          'involvedObject.apiVersion',
          'involvedObject.resourceVersion',
          'involvedObject.fieldPath',
          'reason',
          'reportingComponent',
          'source',
          'type',
        ],
      },
      {
        plural: 'limitranges',
        kind: 'LimitRange',
        namespaced: true,
        shortNames: ['limits'],
      },
      {
        plural: 'namespaces',
        kind: 'Namespace',
        namespaced: false,
        shortNames: ['ns'],
        subresources: ['status'],
        fieldLabels: ['status.phase'],
      },
      {
        plural: 'pods',
        kind: 'Pod',
        namespaced: true,
        shortNames: ['po'],
        categories: ['all'],
        subresources: ['log', 'status'],
        fieldLabels: [
          'spec.nodeName',
          'spec.restartPolicy',
          'spec.schedulerName',
          'spec.serviceAccountName',
          'spec.hostNetwork',
          'status.phase',
          'status.podIP',
          'status.nominatedNodeName',
        ],
      },
      {
        plural: 'resourcequotas',
        kind: 'ResourceQuota',
        namespaced: true,
        shortNames: ['quota'],
        subresources: ['status'],
      },
      {
        plural: 'serviceaccounts',
        kind: 'ServiceAccount',
        namespaced: true,
        shortNames: ['sa'],
      },
      {
        plural: 'services',
        kind: 'Service',
        namespaced: true,
        shortNames: ['svc'],
        categories: ['all'],
        subresources: ['status'],
      },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    resources: [
      {
        plural: 'daemonsets',
        kind: 'DaemonSet',
        namespaced: true,
        shortNames: ['ds'],
        categories: ['all'],
        subresources: ['status'],
      },
      {
        plural: 'deployments',
        kind: 'Deployment',
        namespaced: true,
        shortNames: ['deploy'],
        categories: ['all'],
        subresources: ['scale', 'status'],
      },
      {
        plural: 'replicasets',
        kind: 'ReplicaSet',
        namespaced: true,
        shortNames: ['rs'],
        categories: ['all'],
        subresources: ['scale', 'status'],
      },
      {
        plural: 'statefulsets',
        kind: 'StatefulSet',
        namespaced: true,
        shortNames: ['sts'],
        categories: ['all'],
        subresources: ['scale', 'status'],
      },
    ],
  },
  {
    group: 'autoscaling',
    version: 'v2',
    resources: [
      {
        plural: 'horizontalpodautoscalers',
        kind: 'HorizontalPodAutoscaler',
        namespaced: true,
        shortNames: ['hpa'],
        categories: ['all'],
        subresources: ['status'],
      },
    ],
  },
  {
    group: 'batch',
    version: 'v1',
    resources: [
      {
        plural: 'cronjobs',
        kind: 'CronJob',
        namespaced: true,
        shortNames: ['cj'],
        categories: ['all'],
        subresources: ['status'],
      },
      {
        plural: 'jobs',
        kind: 'Job',
        namespaced: true,
        categories: ['all'],
        subresources: ['status'],
        fieldLabels: ['status.successful'],
      },
    ],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resources: [
      {
        plural: 'ingresses',
        kind: 'Ingress',
        namespaced: true,
        shortNames: ['ing'],
        subresources: ['status'],
      },
      {
        plural: 'networkpolicies',
        kind: 'NetworkPolicy',
        namespaced: true,
        shortNames: ['netpol'],
      },
    ],
  },
  // Custom resources (Kyverno's CRDs and the report CRDs it writes): served
  // as unstructured objects, so their items keep kind and apiVersion.
  {
    group: 'kyverno.io',
    version: 'v1',
    crd: true,
    resources: [
      {
        plural: 'clusterpolicies',
        kind: 'ClusterPolicy',
        namespaced: false,
        shortNames: ['cpol'],
        categories: ['kyverno'],
        subresources: ['status'],
      },
      {
        plural: 'policies',
        kind: 'Policy',
        namespaced: true,
        shortNames: ['pol'],
        categories: ['kyverno'],
        subresources: ['status'],
      },
    ],
  },
  {
    group: 'kyverno.io',
    version: 'v2',
    crd: true,
    resources: [
      {
        plural: 'policyexceptions',
        kind: 'PolicyException',
        namespaced: true,
        shortNames: ['polex'],
        categories: ['kyverno'],
      },
    ],
  },
  {
    group: 'openreports.io',
    version: 'v1alpha1',
    crd: true,
    resources: [
      {
        plural: 'clusterreports',
        kind: 'ClusterReport',
        namespaced: false,
        shortNames: ['creps'],
      },
      {
        plural: 'reports',
        kind: 'Report',
        namespaced: true,
        shortNames: ['reps'],
      },
    ],
  },
  {
    group: 'wgpolicyk8s.io',
    version: 'v1alpha2',
    crd: true,
    resources: [
      {
        plural: 'clusterpolicyreports',
        kind: 'ClusterPolicyReport',
        namespaced: false,
        shortNames: ['cpolr'],
      },
      {
        plural: 'policyreports',
        kind: 'PolicyReport',
        namespaced: true,
        shortNames: ['polr'],
      },
    ],
  },
  // metrics-server's aggregated API: computed from the pods, never stored.
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    aggregated: true,
    resources: [
      {
        plural: 'pods',
        kind: 'PodMetrics',
        namespaced: true,
        verbs: ['get', 'list'],
        computed: true,
      },
    ],
  },
];

function singular(kind) {
  return kind.toLowerCase();
}

/** Every resource, with its group, version and derived names filled in. */
const RESOURCES = GROUP_VERSIONS.flatMap(gv =>
  gv.resources.map(r => ({
    ...r,
    group: gv.group,
    version: gv.version,
    groupVersion: gv.group ? `${gv.group}/${gv.version}` : gv.version,
    crd: Boolean(gv.crd),
    aggregated: Boolean(gv.aggregated),
    singular: singular(r.kind),
    listKind: `${r.kind}List`,
    verbs: r.verbs ?? READ,
    subresources: r.subresources ?? [],
    fieldLabels: [
      'metadata.name',
      'metadata.namespace',
      ...(r.fieldLabels ?? []),
    ],
    // etcd key prefix: stable list order is the order of these keys.
    qualified: r.plural + (gv.group ? `.${gv.group}` : ''),
  })),
);

/**
 * The resources a server with the given report groups serves.
 * `apiGroups` lists which of REPORT_GROUPS are on (all of them by default).
 */
function servedResources(apiGroups) {
  const on = new Set(apiGroups ?? REPORT_GROUPS);
  return RESOURCES.filter(
    r => !REPORT_GROUPS.includes(r.group) || on.has(r.group),
  );
}

module.exports = { RESOURCES, REPORT_GROUPS, GROUP_VERSIONS, servedResources };
