#!/usr/bin/env node
'use strict';
/**
 * Writes fixtures/local/*.yaml: the seed's services as the golden path
 * deploys them on the `local` cluster, a platform workload, and the Kyverno
 * reports of a background scan of them under the policies of
 * policies/kyverno (plus one library policy on trial). Deterministic:
 * running it again writes the same files unless the policies changed.
 *
 *   node scripts/local-kube-api/make-fixtures.cjs [--check]
 *
 * --check only compares and exits 1 when the files are out of date.
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const O = require('./lib/objects.cjs');
const K = require('./lib/kyverno.cjs');

const REPO = path.resolve(__dirname, '../..');
const OUT = path.join(__dirname, 'fixtures/local');
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/localplus';
const H = 3_600_000;
const D = 24 * H;
const t = (y, mo, d, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s);

const clock = new O.Clock(41_822_000);
const CLUSTER_CREATED = t(2026, 9, 14, 8, 2, 11);
// The reports were last refreshed by the hourly background scan.
const LAST_SCAN = t(2026, 12, 5, 22, 0, 7);

// Which API group Kyverno writes the reports of each namespace to: the
// fixtures mix both so that readers of either are exercised.
const WGPOLICY_NAMESPACES = [
  'default',
  'svc-ledger',
  'svc-wallet',
  'svc-merchant',
];
const groupOf = ns =>
  WGPOLICY_NAMESPACES.includes(ns) ? 'wgpolicyk8s.io' : 'openreports.io';

// The seed's services (catalog/components.yaml).
const SERVICES = [
  {
    name: 'svc-ledger',
    criticality: 'P0',
    replicas: 3,
    grpc: true,
    // A hotfix pushed by hand during an incident: not signed by CI.
    image: `${ECR}/svc-ledger:1.14.2-hotfix.1`,
    version: '1.14.2-hotfix.1',
    created: t(2026, 10, 6, 10, 14, 2),
    rolledOut: t(2026, 12, 3, 14, 21, 40),
    revision: 23,
    cpu: 46,
  },
  {
    name: 'svc-wallet',
    criticality: 'P0',
    replicas: 3,
    grpc: true,
    version: '2.7.0',
    created: t(2026, 10, 6, 10, 16, 45),
    rolledOut: t(2026, 11, 27, 9, 48, 12),
    revision: 17,
    cpu: 38,
    cronJobs: [
      {
        name: 'balance-reconciliation',
        schedule: '0 2 * * *',
        lastRun: t(2026, 12, 5, 2, 0, 0),
        runSeconds: 412,
        command: ['python', '-m', 'svc_wallet.jobs.balance_reconciliation'],
      },
    ],
  },
  {
    name: 'svc-merchant',
    criticality: 'P1',
    replicas: 2,
    version: '1.9.4',
    created: t(2026, 10, 8, 15, 2, 9),
    rolledOut: t(2026, 12, 1, 11, 5, 51),
    revision: 11,
    cpu: 22,
  },
  {
    name: 'svc-giftcard',
    criticality: 'P1',
    replicas: 2,
    version: '3.2.0',
    created: t(2026, 10, 8, 15, 9, 33),
    rolledOut: t(2026, 11, 30, 16, 37, 4),
    revision: 14,
    cpu: 31,
    cronJobs: [
      {
        name: 'expired-giftcards',
        schedule: '0 0 * * *',
        lastRun: t(2026, 12, 5, 0, 0, 0),
        runSeconds: 95,
        command: ['python', '-m', 'svc_giftcard.jobs.expire_giftcards'],
      },
    ],
  },
  {
    name: 'svc-notification',
    criticality: 'P2',
    replicas: 2,
    version: '1.4.1',
    created: t(2026, 10, 13, 9, 27, 18),
    rolledOut: t(2026, 12, 2, 10, 2, 26),
    revision: 9,
    cpu: 17,
    // Its mail templating writes a bytecode cache beside the package
    // (PolicyException svc-notification-writable-root).
    containerSecurityContext: { readOnlyRootFilesystem: false },
    restarts: { 0: 2 },
  },
  {
    name: 'svc-analytics',
    criticality: 'P2',
    replicas: 2,
    version: '0.8.0',
    created: t(2026, 11, 2, 13, 44, 0),
    rolledOut: t(2026, 12, 4, 17, 12, 9),
    revision: 6,
    cpu: 64,
    // Requests but no memory limit (require-resource-limits fails).
    resources: { requests: { cpu: '250m', memory: '512Mi' } },
    cronJobs: [
      // Its image is the mutable `latest` tag (disallow-latest-tag).
      {
        name: 'analytics-rollup',
        schedule: '0 */6 * * *',
        lastRun: t(2026, 12, 5, 18, 0, 0),
        runSeconds: 1312,
        image: `${ECR}/svc-analytics:latest`,
        command: ['python', '-m', 'svc_analytics.jobs.rollup'],
      },
    ],
  },
];

const POLICY_EXCEPTION = {
  apiVersion: 'kyverno.io/v2',
  kind: 'PolicyException',
  metadata: {
    name: 'svc-notification-writable-root',
    namespace: 'kyverno',
    uid: O.uidFor('PolicyException/kyverno/svc-notification-writable-root'),
    resourceVersion: undefined,
    generation: 1,
    creationTimestamp: O.iso(t(2026, 11, 12, 16, 3, 55)),
    labels: { 'app.kubernetes.io/part-of': 'local-plus' },
    annotations: {
      'local-plus.io/reason':
        'The mail templating library of svc-notification writes its bytecode cache beside the package; a fix that moves it to /tmp is planned.',
      'local-plus.io/owner': 'product-team',
      'local-plus.io/approved-by': 'group:default/platform-team',
      'local-plus.io/expires': '2027-02-28',
    },
  },
  spec: {
    background: true,
    exceptions: [
      {
        policyName: 'require-readonly-root-filesystem',
        ruleNames: ['readonly-rootfs-pod-controllers', 'readonly-rootfs-pod'],
      },
    ],
    match: {
      any: [
        {
          resources: {
            kinds: ['Deployment'],
            namespaces: ['svc-notification'],
            names: ['svc-notification'],
          },
        },
        {
          resources: {
            kinds: ['Pod'],
            namespaces: ['svc-notification'],
            names: ['svc-notification-*'],
          },
        },
      ],
    },
  },
};

// A policy of the Kyverno policy library (pod-security/baseline), applied by
// hand to one namespace to try it: it is not in policies/kyverno.
const LIBRARY_POLICY = {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: {
    name: 'disallow-host-path',
    uid: O.uidFor('ClusterPolicy/disallow-host-path'),
    resourceVersion: undefined,
    generation: 1,
    creationTimestamp: O.iso(t(2026, 11, 20, 14, 30, 2)),
    annotations: {
      'policies.kyverno.io/title': 'Disallow hostPath',
      'policies.kyverno.io/category': 'Pod Security Standards (Baseline)',
      'policies.kyverno.io/severity': 'medium',
      'policies.kyverno.io/subject': 'Pod,Volume',
      'kyverno.io/kyverno-version': '1.6.0',
      'kyverno.io/kubernetes-version': '1.22-1.23',
      'policies.kyverno.io/description':
        'HostPath volumes let Pods use host directories and volumes in containers. Using host resources can be used to access shared data or escalate privileges and should not be allowed. This policy ensures no hostPath volumes are in use.',
    },
  },
  spec: {
    validationFailureAction: 'Audit',
    background: true,
    rules: [
      {
        name: 'host-path',
        match: {
          any: [
            {
              resources: {
                kinds: ['Pod'],
                namespaces: ['platform-observability'],
              },
            },
          ],
        },
        validate: {
          message:
            'HostPath volumes are forbidden. The field spec.volumes[*].hostPath must be unset.',
          pattern: { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } },
        },
      },
    ],
  },
  status: {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Succeeded',
        message: 'Ready',
        lastTransitionTime: O.iso(t(2026, 11, 20, 14, 30, 4)),
      },
    ],
    autogen: {
      rules: [
        { name: 'autogen-host-path' },
        { name: 'autogen-cronjob-host-path' },
      ],
    },
    rulecount: { generate: 0, mutate: 0, validate: 1, verifyimages: 0 },
  },
};

function serviceObjects(s) {
  const ns = s.name;
  const labels = {
    'app.kubernetes.io/name': s.name,
    'app.kubernetes.io/part-of': 'local-plus',
    'app.kubernetes.io/component': 'api',
    'backstage.io/kubernetes-id': s.name,
    'local-plus.io/owner': 'product-team',
    'local-plus.io/criticality': s.criticality,
  };
  const digest = O.sha256(`${s.name}:${s.version}`);
  const image = s.image ?? `${ECR}/${s.name}:${s.version}@sha256:${digest}`;
  const objs = O.service({
    namespace: ns,
    name: s.name,
    labels,
    selector: {
      'app.kubernetes.io/name': s.name,
      'app.kubernetes.io/component': 'api',
    },
    image,
    imageDigest: digest,
    replicas: s.replicas,
    ports: [
      { name: 'http', containerPort: 8000 },
      ...(s.grpc ? [{ name: 'grpc', containerPort: 50051 }] : []),
    ],
    servicePorts: [
      { name: 'http', port: 80, targetPort: 'http' },
      ...(s.grpc ? [{ name: 'grpc', port: 50051, targetPort: 'grpc' }] : []),
    ],
    resources: s.resources,
    containerSecurityContext: s.containerSecurityContext,
    hpa: {
      min: s.criticality === 'P0' ? 3 : 2,
      max: s.criticality === 'P0' ? 10 : 6,
      cpu: s.cpu,
    },
    config: {
      SERVICE_NAME: s.name,
      LOG_LEVEL: 'info',
      PORT: '8000',
      OTEL_EXPORTER_OTLP_ENDPOINT:
        'http://otel-collector.platform-observability.svc.cluster.local:4318',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=local',
    },
    created: s.created,
    rolledOut: s.rolledOut,
    revision: s.revision,
    restarts: s.restarts,
    clock,
  });
  for (const c of s.cronJobs ?? []) {
    objs.push(
      O.cronJob({
        namespace: ns,
        name: c.name,
        labels: { ...labels, 'app.kubernetes.io/component': 'job' },
        image: c.image ?? image,
        schedule: c.schedule,
        command: c.command,
        serviceAccountName: s.name,
        created: s.created + 5 * 60_000,
        lastRun: c.lastRun,
        runSeconds: c.runSeconds,
        clock,
      }),
    );
  }
  return objs;
}

function platformObjects() {
  const ns = 'platform-observability';
  const created = t(2026, 9, 16, 11, 20, 5);
  const adapterLabels = {
    'app.kubernetes.io/name': 'prometheus-adapter',
    'app.kubernetes.io/component': 'metrics',
  };
  const collectorLabels = {
    'app.kubernetes.io/name': 'opentelemetry-collector',
    'app.kubernetes.io/instance': 'otel-collector',
    'app.kubernetes.io/component': 'standalone-collector',
  };
  const chartSecurity = {
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  return [
    ...O.service({
      namespace: ns,
      name: 'prometheus-adapter',
      labels: adapterLabels,
      selector: adapterLabels,
      image: 'registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0',
      imageDigest: O.sha256('prometheus-adapter:v0.12.0'),
      replicas: 2,
      ports: [{ name: 'https', containerPort: 6443 }],
      servicePorts: [{ name: 'https', port: 443, targetPort: 'https' }],
      resources: {
        requests: { cpu: '100m', memory: '128Mi' },
        limits: { memory: '256Mi' },
      },
      ...chartSecurity,
      created,
      rolledOut: t(2026, 11, 18, 9, 3, 41),
      revision: 4,
      clock,
    }),
    ...O.service({
      namespace: ns,
      name: 'otel-collector',
      labels: collectorLabels,
      selector: {
        'app.kubernetes.io/name': 'opentelemetry-collector',
        'app.kubernetes.io/instance': 'otel-collector',
      },
      image: 'otel/opentelemetry-collector-contrib:0.114.0',
      imageDigest: O.sha256('opentelemetry-collector-contrib:0.114.0'),
      replicas: 2,
      ports: [
        { name: 'otlp', containerPort: 4317 },
        { name: 'otlp-http', containerPort: 4318 },
      ],
      servicePorts: [
        { name: 'otlp', port: 4317, targetPort: 'otlp' },
        { name: 'otlp-http', port: 4318, targetPort: 'otlp-http' },
      ],
      resources: {
        requests: { cpu: '200m', memory: '512Mi' },
        limits: { memory: '1Gi' },
      },
      ...chartSecurity,
      created: created + 60_000,
      rolledOut: t(2026, 11, 25, 13, 40, 18),
      revision: 7,
      clock,
    }),
  ];
}

function quotaObjects(ns, created) {
  const labels = {
    'app.kubernetes.io/part-of': 'local-plus',
    'app.kubernetes.io/managed-by': 'platform-gitops',
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: {
        name: 'compute',
        namespace: ns,
        uid: O.uidFor(`ResourceQuota/${ns}/compute`),
        resourceVersion: clock.next(),
        creationTimestamp: O.iso(created + 1000),
        labels,
      },
      spec: {
        hard: {
          'requests.cpu': '4',
          'requests.memory': '8Gi',
          'limits.memory': '16Gi',
          pods: '30',
        },
      },
      status: {
        hard: {
          'requests.cpu': '4',
          'requests.memory': '8Gi',
          'limits.memory': '16Gi',
          pods: '30',
        },
        used: {},
      },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: {
        name: 'defaults',
        namespace: ns,
        uid: O.uidFor(`LimitRange/${ns}/defaults`),
        resourceVersion: clock.next(),
        creationTimestamp: O.iso(created + 1000),
        labels,
      },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: { cpu: '100m', memory: '128Mi' },
            default: { memory: '256Mi' },
          },
        ],
      },
    },
  ];
}

function defaultServiceAccount(ns, created) {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: 'default',
      namespace: ns,
      uid: O.uidFor(`ServiceAccount/${ns}/default`),
      resourceVersion: clock.next(),
      creationTimestamp: O.iso(created),
    },
    // Set by mutate-default-sa (default-sa-no-automount-existing).
    automountServiceAccountToken: false,
  };
}

function build() {
  const files = new Map(); // file name -> objects
  const add = (file, ...objs) =>
    files.set(file, [...(files.get(file) ?? []), ...objs]);

  const nsLabels = (owner, criticality) => ({
    'app.kubernetes.io/part-of': 'local-plus',
    'local-plus.io/owner': owner,
    ...(criticality ? { 'local-plus.io/criticality': criticality } : {}),
    'pod-security.kubernetes.io/enforce': 'restricted',
  });
  const namespaces = [
    ...['default', 'kube-node-lease', 'kube-public', 'kube-system'].map(n =>
      O.namespace(n, { created: CLUSTER_CREATED, rv: clock.next() }),
    ),
    O.namespace('kyverno', {
      created: CLUSTER_CREATED + 2 * D,
      rv: clock.next(),
      labels: {
        'app.kubernetes.io/part-of': 'local-plus',
        'local-plus.io/owner': 'platform-team',
      },
    }),
    O.namespace('platform-observability', {
      created: t(2026, 9, 16, 11, 19, 40),
      rv: clock.next(),
      labels: nsLabels('platform-team'),
    }),
    ...SERVICES.map(s =>
      O.namespace(s.name, {
        created: s.created - 60_000,
        rv: clock.next(),
        labels: nsLabels('product-team', s.criticality),
      }),
    ),
  ];
  add('cluster.yaml', ...namespaces);

  POLICY_EXCEPTION.metadata.resourceVersion = clock.next();
  LIBRARY_POLICY.metadata.resourceVersion = clock.next();
  add('kyverno.yaml', LIBRARY_POLICY, POLICY_EXCEPTION);
  add('default.yaml', defaultServiceAccount('default', CLUSTER_CREATED));

  const workloads = [];
  const po = platformObjects();
  add(
    'platform-observability.yaml',
    defaultServiceAccount('platform-observability', t(2026, 9, 16, 11, 19, 40)),
    ...po,
  );
  workloads.push(...po);
  for (const s of SERVICES) {
    const objs = serviceObjects(s);
    add(
      `${s.name}.yaml`,
      defaultServiceAccount(s.name, s.created - 60_000),
      ...quotaObjects(s.name, s.created - 60_000),
      ...objs,
    );
    workloads.push(...objs);
  }

  // The background scan.
  const rules = K.ruleTable([
    ...K.loadPolicies(path.join(REPO, 'policies/kyverno')),
    LIBRARY_POLICY,
  ]);
  const walletPods = workloads.filter(
    o => o.kind === 'Pod' && o.metadata.namespace === 'svc-wallet',
  );
  const outcome = (rule, obj) => {
    const ns = obj.metadata.namespace;
    const ex = K.exceptionFor([POLICY_EXCEPTION], rule, obj);
    if (ex) return { result: 'skip', exception: ex.metadata };
    if (rule.rule === 'verify-localplus-image-signature') {
      if (ns === 'svc-ledger')
        return {
          result: 'fail',
          reason: '.attestors[0].entries[0].keys: no signatures found',
        };
      if (obj === walletPods[1]) {
        return {
          result: 'error',
          reason:
            '.attestors[0].entries[0].keys: Get "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/": dial tcp 10.0.48.21:443: i/o timeout',
        };
      }
    }
    if (
      ns === 'svc-analytics' &&
      rule.policy === 'require-resource-limits' &&
      obj.kind !== 'CronJob'
    ) {
      return {
        result: 'fail',
        path:
          obj.kind === 'Pod'
            ? '/spec/containers/0/resources/limits/'
            : '/spec/template/spec/containers/0/resources/limits/',
      };
    }
    if (
      obj.metadata.name === 'analytics-rollup' &&
      rule.policy === 'disallow-latest-tag'
    ) {
      return {
        result: 'warn',
        path: '/spec/jobTemplate/spec/template/spec/containers/0/image/',
      };
    }
    if (ns === 'platform-observability' && rule.policy === 'require-labels') {
      const at = {
        'workload-labels': '/metadata/labels',
        'pod-template-labels': '/spec/template/metadata/labels',
        'pod-labels': '/metadata/labels',
      }[rule.rule];
      return { result: 'fail', path: `${at}/app.kubernetes.io/part-of/` };
    }
    return undefined;
  };

  const scanned = [...namespaces, ...workloads].filter(o => !K.filtered(o));
  let n = 0;
  for (const obj of scanned) {
    const applicable = rules.filter(r => K.applies(r, obj));
    if (applicable.length === 0) continue;
    const at = LAST_SCAN + (n += 1) * 1000;
    const results = applicable.map(r => K.result(r, obj, at, outcome(r, obj)));
    const ns = obj.metadata.namespace;
    const created = Date.parse(obj.metadata.creationTimestamp) + 17_000;
    const rep = K.report({
      group: groupOf(ns ?? obj.metadata.name),
      obj,
      results,
      created,
      rv: clock.next(3),
    });
    add(ns ? `${ns}.reports.yaml` : 'cluster.reports.yaml', rep);
  }
  return files;
}

const HEADER =
  '# Generated by scripts/local-kube-api/make-fixtures.cjs (from policies/kyverno);\n# edit that script and run it again rather than this file.\n';

function render(objs) {
  return (
    HEADER +
    objs
      .map(
        o =>
          `---\n${YAML.stringify(o, {
            // Quoted as YAML 1.1 readers (kubectl) need: dates, yes/no.
            version: '1.1',
            lineWidth: 0,
            aliasDuplicateObjects: false,
          })}`,
      )
      .join('')
  );
}

if (require.main === module) {
  const files = build();
  const check = process.argv.includes('--check');
  let stale = 0;
  fs.mkdirSync(OUT, { recursive: true });
  for (const [file, objs] of files) {
    const text = render(objs);
    const target = path.join(OUT, file);
    const current = fs.existsSync(target)
      ? fs.readFileSync(target, 'utf8')
      : '';
    if (current === text) continue;
    stale += 1;
    if (check) console.error(`make-fixtures: ${file} is out of date`);
    else fs.writeFileSync(target, text);
  }
  if (check && stale) process.exit(1);
  const all = [...files.values()].flat();
  const results = all.flatMap(o => o.results ?? []);
  console.log(
    `make-fixtures: ${files.size} files, ${all.length} objects, ${
      results.length
    } report results${check ? '' : `, ${stale} written`}`,
  );
}

module.exports = { build };
