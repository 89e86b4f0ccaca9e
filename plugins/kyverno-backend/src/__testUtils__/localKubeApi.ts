/**
 * The local, read-only Kubernetes API (scripts/local-kube-api/server.cjs),
 * typed for the tests: a cluster that answers in the real wire format,
 * with the `local` fixtures (the seed's services and their Kyverno reports)
 * or synthetic reports for benchmarks. No jest globals here: benchmarks can
 * use it too.
 */
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
/** The server, also a command (`node <it> --port ... --token ...`). */
export const SERVER_SCRIPT = path.join(
  REPO_ROOT,
  'scripts/local-kube-api/server.cjs',
);
/** The `local` cluster's objects (scripts/local-kube-api/make-fixtures.cjs writes them). */
export const LOCAL_FIXTURES = path.join(
  REPO_ROOT,
  'scripts/local-kube-api/fixtures/local',
);
/** The platform's policies, served as the cluster's ClusterPolicies. */
export const POLICIES_DIR = path.join(REPO_ROOT, 'policies/kyverno');
/** The token scripts/services.sh gives the test cluster. */
export const TEST_TOKEN = 'local-plus-test-token';

export type ReportApiGroup = 'wgpolicyk8s.io' | 'openreports.io';

export type LocalKubeApiOptions = {
  /** The bearer token every request must carry (else 401). */
  token: string;
  /** 0 (default): any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The cluster's name, for the ready line. Default `local`. */
  name?: string;
  /** Folders or files of YAML (multi-document) objects. */
  fixtures?: string | string[];
  /** Folders whose ClusterPolicy and Policy documents are served too. */
  policies?: string | string[];
  /** More objects, as parsed YAML. */
  objects?: object[];
  /** Resource plurals (`policyreports`) or plural.group that answer 403. */
  forbidden?: string[];
  /** The report API groups served (default both): discovery and lists agree. */
  apiGroups?: ReportApiGroup[];
  /** Continue tokens older than this answer 410 Expired. Default 5 minutes. */
  continueTtlMs?: number;
  /** The next N continue tokens presented answer 410 Expired (a compaction). */
  expireContinueTokens?: number;
  /** Delay before every answer. */
  latencyMs?: number;
  /** Synthetic report results over generated Deployments and Pods. */
  generate?: {
    results: number;
    /** svc-bench-NN namespaces to spread them over (default 8). */
    namespaces?: number;
    seed?: string;
    /** Policies whose rules the results name (default policies/kyverno). */
    policies?: string | string[];
  };
  /** The user named in 403 messages. */
  user?: string;
};

export type LocalKubeApi = {
  url: string;
  port: number;
  name: string;
  /** Objects loaded. */
  objects: number;
  close(): Promise<void>;
};

// A plain script of the repository (no package, no build step).
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const server = require('../../../../scripts/local-kube-api/server.cjs') as {
  startLocalKubeApi(options: LocalKubeApiOptions): Promise<LocalKubeApi>;
};

export function startLocalKubeApi(
  options: LocalKubeApiOptions,
): Promise<LocalKubeApi> {
  return server.startLocalKubeApi(options);
}

/** The `local` cluster as the test services run it, on a free port. */
export function startLocalCluster(
  options: Partial<LocalKubeApiOptions> = {},
): Promise<LocalKubeApi> {
  return startLocalKubeApi({
    token: TEST_TOKEN,
    fixtures: LOCAL_FIXTURES,
    policies: POLICIES_DIR,
    ...options,
  });
}
