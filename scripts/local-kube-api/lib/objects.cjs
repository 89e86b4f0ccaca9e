'use strict';
/**
 * Deterministic builders for the objects of a Local-Plus cluster: a service
 * as the golden path deploys it (Deployment, its ReplicaSet and Running
 * Pods, Service, HorizontalPodAutoscaler, ConfigMap, ServiceAccount), its
 * CronJobs and Namespace. Names, uids and addresses derive from hashes, so
 * the fixtures and the generated benchmark data are the same on every run.
 */
const crypto = require('node:crypto');

const sha1 = s => crypto.createHash('sha1').update(s).digest('hex');
const sha256 = s => crypto.createHash('sha256').update(s).digest('hex');

/** A uid shaped like the random (v4) uids the API server gives. */
function uidFor(seed) {
  const h = sha1(`uid:${seed}`);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(
    13,
    16,
  )}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// The alphabet of generated name suffixes (rand.SafeEncodeString): no vowels.
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
function suffix(seed, length) {
  const h = sha256(`suffix:${seed}`);
  let out = '';
  for (let i = 0; out.length < length; i += 2)
    out += SAFE[parseInt(h.slice(i, i + 2), 16) % SAFE.length];
  return out;
}

/** A small seeded PRNG (mulberry32): the same sequence for the same seed. */
function prng(seed) {
  let a = parseInt(sha1(`prng:${seed}`).slice(0, 8), 16) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function byteOf(seed, i = 0) {
  return parseInt(sha1(`ip:${seed}`).slice(i * 2, i * 2 + 2), 16);
}

/** ISO time without milliseconds, as the API server writes it. */
function iso(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** registry/path/name of an image reference, without tag or digest. */
const repositoryOf = image => image.split('@')[0].replace(/:[^/:]+$/, '');

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
/** The application node pool: two m6i.large nodes per zone. */
const NODES = ZONES.flatMap((zone, z) =>
  [0, 1].map(n => ({
    zone,
    name: `ip-10-0-${16 + z * 16 + n}-${
      40 + z * 7 + n * 31
    }.eu-west-1.compute.internal`,
    ip: `10.0.${16 + z * 16 + n}.${40 + z * 7 + n * 31}`,
  })),
);

function deepSortKeys(value) {
  if (Array.isArray(value)) return value.map(deepSortKeys);
  if (value && typeof value === 'object') {
    const out = {};
    for (const k of Object.keys(value).sort()) out[k] = deepSortKeys(value[k]);
    return out;
  }
  return value;
}

/** Resource versions handed out in creation order. */
class Clock {
  constructor(startRv) {
    this.rv = startRv;
  }
  next(step = 1) {
    this.rv += step;
    return String(this.rv);
  }
}

function namespace(name, { created, labels = {}, rv }) {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: uidFor(`Namespace/${name}`),
      resourceVersion: rv,
      creationTimestamp: iso(created),
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

const podSpecDefaults = {
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
};

/**
 * One service as deployed: returns its objects. `spec`:
 *   namespace, name, labels (on every object), selector (Deployment
 *   selector), image, imageDigest, replicas, ports [{name, containerPort}],
 *   servicePorts [{name, port, targetPort}], resources, container overrides
 *   (containerSecurityContext), probes (default true), hpa {min, max,
 *   cpu}, config (ConfigMap data), created (ms), revision, restarts
 *   {index: count}, clock (Clock), kubernetesId.
 */
function service(spec) {
  const {
    namespace: ns,
    name,
    labels,
    selector,
    image,
    imageDigest,
    replicas,
    created,
    clock,
    revision = 1,
  } = spec;
  const probes = spec.probes !== false;
  const port = spec.ports?.[0]?.name ?? 'http';
  const templateLabels = { ...labels };
  const containerSecurityContext = {
    runAsNonRoot: true,
    runAsUser: 10001,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    ...(spec.containerSecurityContext ?? {}),
  };
  const container = {
    name: 'app',
    image,
    imagePullPolicy: 'IfNotPresent',
    ...(spec.command ? { command: spec.command } : {}),
    ports: (spec.ports ?? [{ name: 'http', containerPort: 8000 }]).map(p => ({
      ...p,
      protocol: 'TCP',
    })),
    envFrom: spec.config
      ? [
          {
            configMapRef: {
              name: `${name}-config-${suffix(`${ns}/${name}/cm`, 10)}`,
            },
          },
        ]
      : undefined,
    ...(probes
      ? {
          livenessProbe: {
            httpGet: { path: '/healthz', port, scheme: 'HTTP' },
            periodSeconds: 10,
            timeoutSeconds: 2,
            failureThreshold: 3,
            successThreshold: 1,
          },
          readinessProbe: {
            httpGet: { path: '/readyz', port, scheme: 'HTTP' },
            periodSeconds: 5,
            timeoutSeconds: 2,
            failureThreshold: 2,
            successThreshold: 1,
          },
        }
      : {}),
    resources: spec.resources ?? {
      requests: { cpu: '250m', memory: '384Mi' },
      limits: { memory: '768Mi' },
    },
    securityContext: containerSecurityContext,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  if (!container.envFrom) delete container.envFrom;
  const podSpec = {
    serviceAccountName: spec.serviceAccountName ?? name,
    serviceAccount: spec.serviceAccountName ?? name,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 30,
    securityContext: spec.podSecurityContext ?? {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [container],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
    ...podSpecDefaults,
  };
  const template = {
    metadata: {
      labels: templateLabels,
      annotations: { 'kubectl.kubernetes.io/default-container': 'app' },
    },
    spec: podSpec,
  };
  const hash = suffix(`${ns}/${name}/template/${revision}/${image}`, 10);
  const deployUid = uidFor(`Deployment/${ns}/${name}`);
  const rsName = `${name}-${hash}`;
  const rsUid = uidFor(`ReplicaSet/${ns}/${rsName}`);
  const out = [];

  if (spec.serviceAccount !== false) {
    out.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name,
        namespace: ns,
        uid: uidFor(`ServiceAccount/${ns}/${name}`),
        resourceVersion: clock.next(),
        creationTimestamp: iso(created),
        labels: { ...labels },
        annotations: { 'argocd.argoproj.io/sync-wave': '-4' },
      },
      automountServiceAccountToken: false,
    });
  }
  if (spec.config) {
    const cmName = `${name}-config-${suffix(`${ns}/${name}/cm`, 10)}`;
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: cmName,
        namespace: ns,
        uid: uidFor(`ConfigMap/${ns}/${cmName}`),
        resourceVersion: clock.next(),
        creationTimestamp: iso(created + 1000),
        labels: { ...labels },
      },
      data: spec.config,
    });
  }

  const ready = replicas;
  out.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: ns,
      uid: deployUid,
      resourceVersion: clock.next(),
      generation: revision,
      creationTimestamp: iso(created + 2000),
      labels: { ...labels },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' },
      },
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: revision,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          lastUpdateTime: iso(spec.rolledOut + 40_000),
          lastTransitionTime: iso(spec.rolledOut + 40_000),
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: iso(spec.rolledOut + 95_000),
          lastTransitionTime: iso(created + 2000),
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        },
      ],
    },
  });

  out.push({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace: ns,
      uid: rsUid,
      resourceVersion: clock.next(),
      generation: 1,
      creationTimestamp: iso(spec.rolledOut),
      labels: { ...templateLabels, 'pod-template-hash': hash },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(
          replicas + Math.ceil(replicas * 0.25),
        ),
        'deployment.kubernetes.io/revision': String(revision),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name,
          uid: deployUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...selector, 'pod-template-hash': hash } },
      template: {
        ...template,
        metadata: {
          ...template.metadata,
          labels: { ...templateLabels, 'pod-template-hash': hash },
        },
      },
    },
    status: {
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: 1,
    },
  });

  for (let i = 0; i < replicas; i++) {
    const podName = `${rsName}-${suffix(`${ns}/${rsName}/${i}`, 5)}`;
    const node = NODES[(i * 2 + byteOf(`${ns}/${name}`)) % NODES.length];
    const started = spec.rolledOut + 6000 + i * 4100;
    const podIp = `10.0.${node.ip.split('.')[2] * 1 + 64}.${
      10 + (byteOf(podName) % 240)
    }`;
    const restarts = spec.restarts?.[i] ?? 0;
    const cid = sha256(`container:${podName}`);
    out.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        generateName: `${rsName}-`,
        namespace: ns,
        uid: uidFor(`Pod/${ns}/${podName}`),
        resourceVersion: clock.next(),
        creationTimestamp: iso(started - 3000),
        labels: { ...templateLabels, 'pod-template-hash': hash },
        annotations: { 'kubectl.kubernetes.io/default-container': 'app' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rsName,
            uid: rsUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        ...podSpec,
        nodeName: node.name,
        priority: 0,
        preemptionPolicy: 'PreemptLowerPriority',
        tolerations: [
          {
            key: 'node.kubernetes.io/not-ready',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 300,
          },
          {
            key: 'node.kubernetes.io/unreachable',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 300,
          },
        ],
      },
      status: {
        phase: 'Running',
        conditions: [
          {
            type: 'PodReadyToStartContainers',
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: iso(started - 1000),
          },
          {
            type: 'Initialized',
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: iso(started - 2000),
          },
          {
            type: 'Ready',
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: iso(started + 9000),
          },
          {
            type: 'ContainersReady',
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: iso(started + 9000),
          },
          {
            type: 'PodScheduled',
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: iso(started - 3000),
          },
        ],
        hostIP: node.ip,
        hostIPs: [{ ip: node.ip }],
        podIP: podIp,
        podIPs: [{ ip: podIp }],
        startTime: iso(started - 3000),
        containerStatuses: [
          {
            name: 'app',
            state: {
              running: { startedAt: iso(started + (restarts ? 3_600_000 : 0)) },
            },
            lastState: restarts
              ? {
                  terminated: {
                    exitCode: 1,
                    reason: 'Error',
                    startedAt: iso(started),
                    finishedAt: iso(started + 3_599_000),
                    containerID: `containerd://${sha256(
                      `previous:${podName}`,
                    )}`,
                  },
                }
              : {},
            ready: true,
            restartCount: restarts,
            image: /:[^/@]+@/.test(image) ? image.split('@')[0] : image,
            imageID: `${repositoryOf(image)}@sha256:${imageDigest}`,
            containerID: `containerd://${cid}`,
            started: true,
          },
        ],
        qosClass: 'Burstable',
      },
    });
  }

  if (spec.servicePorts) {
    const clusterIp = `172.20.${byteOf(`${ns}/${name}/svc`)}.${byteOf(
      `${ns}/${name}/svc`,
      1,
    )}`;
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace: ns,
        uid: uidFor(`Service/${ns}/${name}`),
        resourceVersion: clock.next(),
        creationTimestamp: iso(created + 2000),
        labels: { ...labels },
      },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: spec.servicePorts.map(p => ({ ...p, protocol: 'TCP' })),
        clusterIP: clusterIp,
        clusterIPs: [clusterIp],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
        sessionAffinity: 'None',
      },
      status: { loadBalancer: {} },
    });
  }

  if (spec.hpa) {
    const util = spec.hpa.cpu;
    out.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: {
        name,
        namespace: ns,
        uid: uidFor(`HorizontalPodAutoscaler/${ns}/${name}`),
        resourceVersion: clock.next(),
        creationTimestamp: iso(created + 2000),
        labels: { ...labels },
      },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: spec.hpa.min,
        maxReplicas: spec.hpa.max,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 70 },
            },
          },
        ],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 300,
            selectPolicy: 'Max',
            policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
          },
          scaleUp: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Max',
            policies: [
              { type: 'Pods', value: 4, periodSeconds: 15 },
              { type: 'Percent', value: 100, periodSeconds: 15 },
            ],
          },
        },
      },
      status: {
        lastScaleTime: iso(spec.rolledOut + 600_000),
        currentReplicas: replicas,
        desiredReplicas: replicas,
        currentMetrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              current: {
                averageUtilization: util,
                averageValue: `${Math.round(
                  (parseInt(container.resources.requests.cpu, 10) * util) / 100,
                )}m`,
              },
            },
          },
        ],
        conditions: [
          {
            type: 'AbleToScale',
            status: 'True',
            lastTransitionTime: iso(created + 20_000),
            reason: 'ReadyForNewScale',
            message: 'recommended size matches current size',
          },
          {
            type: 'ScalingActive',
            status: 'True',
            lastTransitionTime: iso(created + 20_000),
            reason: 'ValidMetricFound',
            message:
              'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
          },
          replicas <= spec.hpa.min
            ? {
                type: 'ScalingLimited',
                status: 'True',
                lastTransitionTime: iso(spec.rolledOut + 600_000),
                reason: 'TooFewReplicas',
                message:
                  'the desired replica count is less than the minimum replica count',
              }
            : {
                type: 'ScalingLimited',
                status: 'False',
                lastTransitionTime: iso(spec.rolledOut + 600_000),
                reason: 'DesiredWithinRange',
                message: 'the desired count is within the acceptable range',
              },
        ],
      },
    });
  }
  return out;
}

/** A CronJob whose Pod template follows the same contract. */
function cronJob(spec) {
  const { namespace: ns, name, labels, image, schedule, created, clock } = spec;
  const podSpec = {
    serviceAccountName: spec.serviceAccountName,
    serviceAccount: spec.serviceAccountName,
    automountServiceAccountToken: false,
    restartPolicy: 'OnFailure',
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'job',
        image,
        imagePullPolicy: 'IfNotPresent',
        command: spec.command,
        resources: spec.resources ?? {
          requests: { cpu: '100m', memory: '256Mi' },
          limits: { memory: '512Mi' },
        },
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 10001,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    terminationGracePeriodSeconds: 30,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name,
      namespace: ns,
      uid: uidFor(`CronJob/${ns}/${name}`),
      resourceVersion: clock.next(),
      generation: 1,
      creationTimestamp: iso(created),
      labels: { ...labels },
    },
    spec: {
      schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: { ...labels } },
        spec: {
          backoffLimit: 2,
          ttlSecondsAfterFinished: 86400,
          template: { metadata: { labels: { ...labels } }, spec: podSpec },
        },
      },
    },
    status: {
      lastScheduleTime: iso(spec.lastRun),
      lastSuccessfulTime: iso(spec.lastRun + spec.runSeconds * 1000),
    },
  };
}

module.exports = {
  sha1,
  sha256,
  uidFor,
  suffix,
  prng,
  iso,
  deepSortKeys,
  Clock,
  namespace,
  service,
  cronJob,
  NODES,
  repositoryOf,
};
