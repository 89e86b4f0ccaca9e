/**
 * The portal's own deployment (deploy/): every overlay renders with kustomize,
 * passes the platform's Kyverno policies the way the golden path's manifests
 * do, never runs the portal as a single pod, gives the backend every variable
 * app-config.production.yaml reads (secrets only from Vault), and the ArgoCD
 * Applications point at overlays that exist.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { checkWorkloads, renderKustomize } from '@internal/test-services';

const repoRoot = path.resolve(__dirname, '../../../..');
const kubernetesDir = path.join(repoRoot, 'deploy/kubernetes');
const argocdDir = path.join(repoRoot, 'deploy/argocd');
const OVERLAYS = ['staging', 'prod'];

const haveKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!haveKubectl && process.env.LOCALPLUS_REQUIRE_SERVICES) {
  throw new Error(
    'kubectl is not installed: it renders the kustomize overlays',
  );
}
const describeWithKubectl = haveKubectl ? describe : describe.skip;

type Doc = Record<string, any>;

const render = (dir: string): Doc[] => renderKustomize(dir);

const one = (docs: Doc[], kind: string, name?: string): Doc => {
  const found = docs.filter(
    d => d.kind === kind && (!name || d.metadata.name === name),
  );
  expect(found.map(d => `${d.kind}/${d.metadata.name}`)).toHaveLength(1);
  return found[0];
};

/** Every ${NAME} that a config file's values read (comments do not count). */
function variablesOf(file: string): Set<string> {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(/\$\{([A-Z0-9_]+)\}/g)) names.add(m[1]);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object')
      Object.values(value).forEach(walk);
  };
  walk(parse(fs.readFileSync(file, 'utf8')));
  return names;
}

// Credentials: never in a ConfigMap, only from the ExternalSecret.
const SECRET_NAME =
  /PASSWORD|SECRET|TOKEN|CLIENT_ID|REDIS_URL|_USER$|_HOST$|CA_CERT/;

describeWithKubectl('the portal deployment (deploy/kubernetes)', () => {
  const rendered = Object.fromEntries(
    OVERLAYS.map(overlay => [
      overlay,
      render(path.join(kubernetesDir, 'overlays', overlay)),
    ]),
  );

  it.each(OVERLAYS)(
    '%s passes the platform policies where it runs, and would in an application namespace too',
    overlay => {
      const docs = rendered[overlay];
      expect(docs.map(d => d.kind)).toEqual(
        expect.arrayContaining([
          'Deployment',
          'Service',
          'ConfigMap',
          'HorizontalPodAutoscaler',
          'PodDisruptionBudget',
          'ServiceAccount',
          'NetworkPolicy',
          'ServiceMonitor',
          'HTTPRoute',
          'ExternalSecret',
        ]),
      );
      expect(checkWorkloads(docs)).toEqual([]);
      // Platform namespaces are only audited; the portal is held to the
      // application namespaces' rules all the same.
      const strict = docs.map(d => ({
        ...d,
        metadata: { ...d.metadata, namespace: undefined },
      }));
      expect(checkWorkloads(strict)).toEqual([]);
    },
  );

  it.each(OVERLAYS)(
    '%s never runs the portal as a single pod, and drains one pod at a time',
    overlay => {
      const docs = rendered[overlay];
      const deployment = one(docs, 'Deployment', 'developer-portal');
      // The HPA owns the count; a fixed one would be reset by every sync.
      expect(deployment.spec.replicas).toBeUndefined();
      const hpa = one(docs, 'HorizontalPodAutoscaler');
      expect(hpa.spec.scaleTargetRef.name).toBe('developer-portal');
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(
        overlay === 'prod' ? 3 : 2,
      );
      expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      const pdb = one(docs, 'PodDisruptionBudget');
      expect(pdb.spec.selector.matchLabels).toEqual(
        deployment.spec.selector.matchLabels,
      );
      const available =
        pdb.spec.minAvailable ?? hpa.spec.minReplicas - pdb.spec.maxUnavailable;
      expect(available).toBeGreaterThanOrEqual(1);
      expect(available).toBeLessThan(hpa.spec.minReplicas);
    },
  );

  it('probes the backend health endpoints and runs it locked down', () => {
    const docs = rendered.prod;
    const pod = one(docs, 'Deployment').spec.template.spec;
    const [container] = pod.containers;
    const ports = Object.fromEntries(
      container.ports.map((p: Doc) => [p.name, p.containerPort]),
    );
    expect(ports).toEqual({ http: 7007, metrics: 9464 });
    expect(container.livenessProbe.httpGet).toEqual({
      path: '/.backstage/health/v1/liveness',
      port: 'http',
    });
    expect(container.readinessProbe.httpGet).toEqual({
      path: '/.backstage/health/v1/readiness',
      port: 'http',
    });
    expect(container.startupProbe.httpGet.path).toBe(
      '/.backstage/health/v1/liveness',
    );
    expect(container.resources.requests).toEqual(
      expect.objectContaining({ cpu: expect.any(String), memory: '1Gi' }),
    );
    expect(container.resources.limits.memory).toBeDefined();
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    // The only writable path.
    expect(container.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '2Gi' } },
    ]);
  });

  it.each(OVERLAYS)(
    '%s gives the backend every variable app-config.production.yaml reads, credentials only from Vault',
    overlay => {
      const docs = rendered[overlay];
      const container = one(docs, 'Deployment').spec.template.spec
        .containers[0];
      const configMap = one(docs, 'ConfigMap');
      const externalSecret = one(docs, 'ExternalSecret');
      // The Deployment reads the ConfigMap kustomize generated (hash suffix
      // and all) and the Secret the ExternalSecret writes.
      expect(container.envFrom).toEqual([
        { configMapRef: { name: configMap.metadata.name } },
        { secretRef: { name: externalSecret.spec.target.name } },
      ]);
      const fromConfigMap = new Set(Object.keys(configMap.data));
      const fromVault = new Set<string>(
        externalSecret.spec.data.map((d: Doc) => d.secretKey),
      );
      const needed = variablesOf(
        path.join(repoRoot, 'app-config.production.yaml'),
      );
      const missing = [...needed].filter(
        name => !fromConfigMap.has(name) && !fromVault.has(name),
      );
      expect(missing).toEqual([]);
      expect([...fromConfigMap].filter(name => SECRET_NAME.test(name))).toEqual(
        [],
      );
      // Each secret comes from a path of the portal's own in Vault.
      for (const entry of externalSecret.spec.data) {
        expect(entry.remoteRef.key).toMatch(/^kv\/developer-portal\//);
      }
    },
  );

  it('lets the gateway reach the portal, and Prometheus its metrics, nothing else', () => {
    const docs = rendered.prod;
    const policies = docs.filter(d => d.kind === 'NetworkPolicy');
    const deny = policies.find(p => p.metadata.name === 'default-deny')!;
    expect(deny.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    const ingress = policies
      .filter(p => p.spec.ingress)
      .flatMap(p =>
        p.spec.ingress.map((rule: Doc) => ({
          from: rule.from[0].namespaceSelector.matchLabels[
            'kubernetes.io/metadata.name'
          ],
          ports: rule.ports.map((port: Doc) => port.port),
        })),
      );
    expect(ingress).toEqual([
      { from: 'platform', ports: [7007] },
      { from: 'monitoring', ports: [9464] },
    ]);
    const service = one(docs, 'Service');
    const servicePorts = Object.fromEntries(
      service.spec.ports.map((p: Doc) => [p.name, [p.port, p.targetPort]]),
    );
    expect(servicePorts).toEqual({
      http: [7007, 'http'],
      metrics: [9464, 'metrics'],
    });
    expect(one(docs, 'ServiceMonitor').spec.endpoints[0].port).toBe('metrics');
    const route = one(docs, 'HTTPRoute');
    expect(route.spec.hostnames).toEqual(['portal.local-plus.example']);
    expect(route.spec.rules[0].backendRefs).toEqual([
      { name: service.metadata.name, port: 7007 },
    ]);
    // PORTAL_BASE_URL is the route's host.
    expect(one(docs, 'ConfigMap').data.PORTAL_BASE_URL).toBe(
      `https://${route.spec.hostnames[0]}`,
    );
  });

  it('has an ArgoCD Application per overlay, syncing it into its namespace', () => {
    const files = fs.readdirSync(argocdDir).filter(f => f.endsWith('.yaml'));
    const applications = files.map(f =>
      parse(fs.readFileSync(path.join(argocdDir, f), 'utf8')),
    );
    expect(applications.map(a => a.spec.source.path).sort()).toEqual(
      OVERLAYS.map(o => `deploy/kubernetes/overlays/${o}`).sort(),
    );
    for (const application of applications) {
      expect(application).toMatchObject({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { namespace: 'argocd' },
        spec: {
          project: 'platform',
          source: { targetRevision: 'main' },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      });
      const overlay = path.basename(application.spec.source.path);
      const namespaces = new Set(
        rendered[overlay]
          .filter(d => d.metadata.namespace)
          .map(d => d.metadata.namespace),
      );
      expect([...namespaces]).toEqual([application.spec.destination.namespace]);
      // The HPA's replica count is not drift.
      expect(application.spec.ignoreDifferences).toEqual([
        { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
      ]);
    }
  });
});
