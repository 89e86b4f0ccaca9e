import { RootConfigService } from '@backstage/backend-plugin-api';
import path from 'node:path';
import { z } from 'zod';

export interface KyvernoConfig {
  /** Directory of the ClusterPolicies (policies/kyverno). */
  policiesDirectory: string;
  /** The controls they evidence (policies/controls.yaml). */
  controlsFile: string;
  /** How often the clusters' reports are snapshotted. */
  frequencyMinutes: number;
  /** Seconds after start-up before the first snapshot. */
  initialDelaySeconds: number;
  /** Snapshots older than this are deleted, with their results. */
  retentionDays: number;
  /** Snapshots older than this are thinned to one a day. */
  fullHistoryDays: number;
  /** Items per list request (`limit`). */
  pageSize: number;
  /** One request to a cluster, through the Kubernetes plugin's proxy. */
  requestTimeoutMs: number;
  /**
   * Where the remediation pages are: the TechDocs path of the entity whose
   * docs hold them (/docs/default/component/docs).
   */
  docsPath: string;
}

const positiveInt = (what: string) =>
  z
    .number({ error: `expected a number of ${what}` })
    .int(`expected a whole number of ${what}`)
    .positive(`expected a positive number of ${what}`);

const schema = z.strictObject({
  policies: z
    .strictObject({
      directory: z.string().min(1).default('../../policies/kyverno'),
      // Default: controls.yaml beside the policies' directory.
      controls: z.string().min(1).optional(),
    })
    .default({ directory: '../../policies/kyverno' }),
  schedule: z
    .strictObject({
      frequencyMinutes: positiveInt('minutes').default(60),
      initialDelaySeconds: z
        .number({ error: 'expected a number of seconds' })
        .int()
        .min(0)
        .default(5),
    })
    .default({ frequencyMinutes: 60, initialDelaySeconds: 5 }),
  history: z
    .strictObject({
      // PCI-DSS 10.5.1: a year of audit history, with margin.
      retentionDays: positiveInt('days').default(400),
      fullDays: positiveInt('days').default(30),
    })
    .default({ retentionDays: 400, fullDays: 30 }),
  pageSize: positiveInt('items').max(5000).default(500),
  requestTimeoutMs: positiveInt('milliseconds').default(15_000),
  docs: z
    .strictObject({
      entityRef: z
        .string()
        .regex(
          /^[a-z]+:[a-z0-9-]+\/[a-z0-9._-]+$/i,
          'expected an entity reference such as component:default/docs',
        )
        .default('component:default/docs'),
    })
    .default({ entityRef: 'component:default/docs' }),
});

/**
 * Reads and checks `kyverno` at start-up: a mistake stops the backend with
 * the key named. Clusters are not here: they are the Kubernetes plugin's
 * (`kubernetes.clusterLocatorMethods`), read through its API.
 */
export function readKyvernoConfig(config: RootConfigService): KyvernoConfig {
  const raw = config.getOptional('kyverno') ?? {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = ['kyverno', ...issue.path.map(String)].join('.');
    throw new Error(`Invalid config ${key}: ${issue.message}`);
  }
  const d = parsed.data;
  if (d.history.fullDays > d.history.retentionDays) {
    throw new Error(
      'Invalid config kyverno.history.fullDays: it must not exceed kyverno.history.retentionDays',
    );
  }
  const [kind, rest] = d.docs.entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return {
    policiesDirectory: d.policies.directory,
    controlsFile:
      d.policies.controls ??
      path.join(path.dirname(d.policies.directory), 'controls.yaml'),
    frequencyMinutes: d.schedule.frequencyMinutes,
    initialDelaySeconds: d.schedule.initialDelaySeconds,
    retentionDays: d.history.retentionDays,
    fullHistoryDays: d.history.fullDays,
    pageSize: d.pageSize,
    requestTimeoutMs: d.requestTimeoutMs,
    docsPath: `/docs/${namespace}/${kind.toLowerCase()}/${name}`,
  };
}
