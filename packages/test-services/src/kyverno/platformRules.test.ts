import {
  checkWorkloads,
  findPolicyDir,
  loadPolicyRules,
  parsePolicyRules,
} from './platformRules';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/localplus';

/** A Deployment that meets every platform policy, as the golden path renders it. */
function goodDeployment(): any {
  const labels = {
    'app.kubernetes.io/name': 'svc-example',
    'app.kubernetes.io/part-of': 'local-plus',
    'local-plus.io/owner': 'product-team',
    'local-plus.io/criticality': 'P1',
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'svc-example', namespace: 'svc-example', labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'svc-example' } },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'app',
              image: `${ECR}/svc-example:1.4.2`,
              livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
              readinessProbe: { httpGet: { path: '/readyz', port: 8080 } },
              resources: {
                requests: { cpu: '100m', memory: '256Mi' },
                limits: { memory: '512Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

const container = (d: any) => d.spec.template.spec.containers[0];

/** The policies a set of documents violates, deduplicated and sorted. */
function policiesViolated(docs: unknown[]): string[] {
  return [...new Set(checkWorkloads(docs).map(v => v.policy))].sort();
}

describe('checkWorkloads', () => {
  it('reads the nine platform policies and their validate rules', () => {
    const rules = loadPolicyRules(findPolicyDir());
    expect([...new Set(rules.map(r => r.policy))].sort()).toEqual([
      'disallow-latest-tag',
      'require-image-signature',
      'require-labels',
      'require-probes',
      'require-readonly-root-filesystem',
      'require-resource-limits',
      'require-run-as-non-root',
      'restrict-privileged',
    ]);
    // mutate-default-sa only mutates and verifyImages needs the registry.
    expect(rules.some(r => r.rule === 'verify-localplus-image-signature')).toBe(
      false,
    );
  });

  it('passes a Deployment that follows the golden path', () => {
    expect(checkWorkloads([goodDeployment()])).toEqual([]);
  });

  it('passes the same Deployment with init containers and per-container settings', () => {
    const d = goodDeployment();
    delete d.spec.template.spec.securityContext;
    container(d).securityContext.runAsNonRoot = true;
    container(d).securityContext.seccompProfile = {
      type: 'Localhost',
      localhostProfile: 'x.json',
    };
    d.spec.template.spec.initContainers = [
      {
        ...container(d),
        name: 'wait',
        livenessProbe: undefined,
        readinessProbe: undefined,
      },
    ];
    expect(checkWorkloads([JSON.parse(JSON.stringify(d))])).toEqual([]);
  });

  it('require-labels: a Pod template without the owner label', () => {
    const d = goodDeployment();
    delete d.spec.template.metadata.labels['local-plus.io/owner'];
    const violations = checkWorkloads([d]);
    expect(violations).toEqual([
      expect.objectContaining({
        policy: 'require-labels',
        kind: 'Deployment',
        name: 'svc-example',
        message: expect.stringContaining('pod-template-labels'),
      }),
    ]);
  });

  it('require-labels: a criticality outside P0, P1, P2 on the workload', () => {
    const d = goodDeployment();
    d.metadata.labels['local-plus.io/criticality'] = 'P3';
    expect(policiesViolated([d])).toEqual(['require-labels']);
    expect(checkWorkloads([d])[0].message).toContain(
      'Deployment svc-example must carry the labels',
    );
  });

  it('require-probes: a container without a readiness probe', () => {
    const d = goodDeployment();
    delete container(d).readinessProbe;
    expect(policiesViolated([d])).toEqual(['require-probes']);
  });

  it('require-resource-limits: a container without a memory limit', () => {
    const d = goodDeployment();
    delete container(d).resources.limits;
    expect(policiesViolated([d])).toEqual(['require-resource-limits']);
  });

  it('require-resource-limits: no CPU limit is fine, a missing CPU request is not', () => {
    const d = goodDeployment();
    expect(container(d).resources.limits.cpu).toBeUndefined();
    delete container(d).resources.requests.cpu;
    expect(policiesViolated([d])).toEqual(['require-resource-limits']);
  });

  it('restrict-privileged: privilege escalation allowed', () => {
    const d = goodDeployment();
    container(d).securityContext.allowPrivilegeEscalation = true;
    expect(policiesViolated([d])).toEqual(['restrict-privileged']);
  });

  it('restrict-privileged: a capability other than NET_BIND_SERVICE added back', () => {
    const ok = goodDeployment();
    container(ok).securityContext.capabilities.add = ['NET_BIND_SERVICE'];
    expect(checkWorkloads([ok])).toEqual([]);
    const d = goodDeployment();
    container(d).securityContext.capabilities.add = ['SYS_ADMIN'];
    expect(policiesViolated([d])).toEqual(['restrict-privileged']);
  });

  it('restrict-privileged: a hostPath volume', () => {
    const d = goodDeployment();
    d.spec.template.spec.volumes.push({
      name: 'logs',
      hostPath: { path: '/var/log' },
    });
    expect(policiesViolated([d])).toEqual(['restrict-privileged']);
  });

  it('restrict-privileged: no seccomp profile', () => {
    const d = goodDeployment();
    delete d.spec.template.spec.securityContext.seccompProfile;
    const violations = checkWorkloads([d]);
    expect(violations.map(v => v.policy)).toEqual(['restrict-privileged']);
    expect(violations[0].message).toContain('seccomp-pod-controllers');
  });

  it('require-run-as-non-root: runAsUser 0', () => {
    const d = goodDeployment();
    d.spec.template.spec.securityContext.runAsUser = 0;
    expect(policiesViolated([d])).toEqual(['require-run-as-non-root']);
  });

  it('require-run-as-non-root: runAsNonRoot missing everywhere', () => {
    const d = goodDeployment();
    delete d.spec.template.spec.securityContext.runAsNonRoot;
    expect(policiesViolated([d])).toEqual(['require-run-as-non-root']);
  });

  it('require-readonly-root-filesystem: a writable root filesystem', () => {
    const d = goodDeployment();
    container(d).securityContext.readOnlyRootFilesystem = false;
    expect(policiesViolated([d])).toEqual(['require-readonly-root-filesystem']);
  });

  it('disallow-latest-tag: the latest tag, and no tag at all', () => {
    const latest = goodDeployment();
    container(latest).image = `${ECR}/svc-example:latest`;
    expect(policiesViolated([latest])).toEqual(['disallow-latest-tag']);
    const untagged = goodDeployment();
    container(untagged).image = `${ECR}/svc-example`;
    expect(policiesViolated([untagged])).toEqual(['disallow-latest-tag']);
    const digest = goodDeployment();
    container(digest).image = `${ECR}/svc-example@sha256:${'a'.repeat(64)}`;
    expect(checkWorkloads([digest])).toEqual([]);
  });

  it('require-image-signature: an image from another registry in an application namespace', () => {
    const d = goodDeployment();
    container(d).image = 'docker.io/library/node:22.11.0';
    const violations = checkWorkloads([d]);
    expect(violations.map(v => v.policy)).toEqual(['require-image-signature']);
    expect(violations[0].message).toContain(
      'images-from-localplus-ecr-pod-controllers',
    );
  });

  it('applies each policy only where it matches: namespaces and exclusions', () => {
    const d = goodDeployment();
    d.metadata.namespace = 'monitoring';
    container(d).image = 'quay.io/prometheus/prometheus:v2.53.0';
    delete d.metadata.labels['local-plus.io/owner'];
    // Outside svc-*, other registries are allowed and labels are not required.
    expect(checkWorkloads([d])).toEqual([]);
    container(d).securityContext.readOnlyRootFilesystem = false;
    // ...but the Pod security policies apply everywhere (Audit there, still reported).
    expect(policiesViolated([d])).toEqual(['require-readonly-root-filesystem']);
  });

  it('treats documents without a namespace as application workloads', () => {
    const d = goodDeployment();
    delete d.metadata.namespace;
    container(d).image = 'docker.io/library/node:22.11.0';
    expect(policiesViolated([d])).toEqual(['require-image-signature']);
    expect(checkWorkloads([d], { defaultNamespace: 'platform' })).toEqual([]);
  });

  it('checks CronJobs through their job template, and bare Pods', () => {
    const d = goodDeployment();
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: {
        name: 'svc-example-cleanup',
        namespace: 'svc-example',
        labels: d.metadata.labels,
      },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: { spec: { template: d.spec.template } },
      },
    };
    expect(checkWorkloads([cronJob])).toEqual([]);
    container(d).image = `${ECR}/svc-example:latest`;
    expect(policiesViolated([cronJob])).toEqual(['disallow-latest-tag']);

    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'debug',
        namespace: 'svc-example',
        labels: d.metadata.labels,
      },
      spec: { ...d.spec.template.spec },
    };
    const violations = checkWorkloads([pod]);
    expect(violations.map(v => [v.kind, v.policy])).toEqual([
      ['Pod', 'disallow-latest-tag'],
    ]);
  });

  it('ignores other documents and unpacks Lists', () => {
    const bad = goodDeployment();
    container(bad).securityContext.readOnlyRootFilesystem = false;
    const docs = [
      null,
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc-example' } },
      { apiVersion: 'v1', kind: 'List', items: [bad] },
    ];
    expect(policiesViolated(docs)).toEqual([
      'require-readonly-root-filesystem',
    ]);
    expect(() => checkWorkloads([42])).toThrow('Document 0 is not an object');
    expect(() =>
      checkWorkloads([{ kind: 'Deployment', metadata: {} }]),
    ).toThrow('without metadata.name');
  });

  it('follows the policy text: a label added to the policy is required at once', () => {
    const rules = parsePolicyRules(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-cost-centre}
spec:
  rules:
    - name: cost-centre
      match: {any: [{resources: {kinds: [Deployment]}}]}
      validate:
        message: "{{ request.object.kind }} {{ request.object.metadata.name }} needs a cost centre"
        pattern: {metadata: {labels: {local-plus.io/cost-centre: "cc-?*"}}}
`);
    const d = goodDeployment();
    expect(checkWorkloads([d], { rules })).toEqual([
      {
        policy: 'require-cost-centre',
        kind: 'Deployment',
        name: 'svc-example',
        message: expect.stringContaining(
          'cost-centre: Deployment svc-example needs a cost centre',
        ),
      },
    ]);
    d.metadata.labels['local-plus.io/cost-centre'] = 'cc-loyalty';
    expect(checkWorkloads([d], { rules })).toEqual([]);
  });

  it('refuses rules it cannot evaluate rather than passing them', () => {
    const policy = (validate: string) => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
    - name: r
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
${validate}`;
    expect(() =>
      parsePolicyRules(policy('        deny: {conditions: {any: []}}')),
    ).toThrow('validate.deny is not supported');
    expect(() =>
      parsePolicyRules(
        policy(
          '        pattern: {metadata: {name: "{{ request.namespace }}"}}',
        ),
      ),
    ).toThrow('variables in patterns are not supported');
    const existence = parsePolicyRules(
      policy('        pattern: {spec: {^(containers): [{name: app}]}}'),
    );
    expect(() =>
      checkWorkloads(
        [{ kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [] } }],
        {
          rules: existence,
        },
      ),
    ).toThrow('Anchor ^() is not supported');
  });
});
