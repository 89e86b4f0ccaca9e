import {
  DriftList,
  ServiceDrift,
  TemplateRelease,
  UpgradeProposal,
  UpgradeResult,
} from '@internal/plugin-template-upgrades-common';

export const TS = 'template:default/svc-typescript';
export const PY = 'template:default/svc-python';

export const release120 = (): TemplateRelease => ({
  version: '1.2.0',
  date: '2026-12-10',
  notes: [
    'Node 22 in the Dockerfile and the CI workflow',
    'A readiness probe on /healthz/ready',
  ],
});

export const release130 = (): TemplateRelease => ({
  version: '1.3.0',
  date: '2026-12-20',
  notes: ['OpenTelemetry traces exported to the collector'],
});

/** svc-ledger: at 1.1.0, one release behind. */
export const ledgerDrift = (): ServiceDrift => ({
  entityRef: 'component:default/svc-ledger',
  title: 'Ledger',
  owner: 'group:default/payments-team',
  template: TS,
  version: '1.1.0',
  current: '1.2.0',
  status: 'behind',
  behind: 1,
  releases: [release120()],
});

/** svc-wallet: at the newest release. */
export const walletDrift = (): ServiceDrift => ({
  entityRef: 'component:default/svc-wallet',
  owner: 'group:default/product-team',
  template: TS,
  version: '1.2.0',
  current: '1.2.0',
  status: 'current',
  behind: 0,
  releases: [],
});

/** svc-points: two releases behind on the Python template. */
export const pointsDrift = (): ServiceDrift => ({
  entityRef: 'component:default/svc-points',
  owner: 'group:default/loyalty-team',
  template: PY,
  version: '1.1.0',
  current: '1.3.0',
  status: 'behind',
  behind: 2,
  releases: [release120(), release130()],
});

/** svc-legacy: generated before releases were recorded. */
export const legacyDrift = (): ServiceDrift => ({
  entityRef: 'component:default/svc-legacy',
  owner: 'group:default/payments-team',
  template: TS,
  version: '1.0.0',
  current: '1.2.0',
  status: 'not-upgradable',
  behind: 0,
  releases: [],
});

/** Most behind first, as the backend serves it. */
export const driftList = (): DriftList => ({
  templates: [
    { template: PY, current: '1.3.0' },
    { template: TS, current: '1.2.0' },
  ],
  services: [pointsDrift(), ledgerDrift(), legacyDrift(), walletDrift()],
});

const templateDiff = [
  '--- a/Dockerfile',
  '+++ b/Dockerfile',
  '@@ -1,3 +1,3 @@',
  '-FROM node:20-alpine',
  '+FROM node:22-alpine',
  ' WORKDIR /app',
  ' COPY . .',
  '',
].join('\n');

const mergedDiff = [
  '--- a/.github/workflows/ci.yaml',
  '+++ b/.github/workflows/ci.yaml',
  '@@ -10,2 +10,2 @@',
  '-node-version: 20',
  '+node-version: 22',
  '',
].join('\n');

const conflictDiff = [
  '--- a/k8s/deployment.yaml',
  '+++ b/k8s/deployment.yaml',
  '@@ -20,3 +20,7 @@',
  '+<<<<<<< svc-ledger',
  ' path: /health',
  '+=======',
  '+path: /healthz/ready',
  '+>>>>>>> svc-typescript 1.2.0',
  '',
].join('\n');

/** svc-ledger 1.1.0 → 1.2.0: one file of each kind, and a conflict. */
export const proposal = (
  target: UpgradeProposal['target']['kind'] = 'local-branch',
): UpgradeProposal => ({
  entityRef: 'component:default/svc-ledger',
  template: TS,
  from: '1.1.0',
  to: '1.2.0',
  releases: [release120()],
  files: [
    { path: 'Dockerfile', change: 'template', diff: templateDiff },
    { path: '.github/workflows/ci.yaml', change: 'merged', diff: mergedDiff },
    { path: 'k8s/deployment.yaml', change: 'conflict', diff: conflictDiff },
    { path: 'src/app/routes/accounts.ts', change: 'kept', diff: '' },
    { path: 'README.md', change: 'kept', diff: '' },
  ],
  conflicts: ['k8s/deployment.yaml'],
  target:
    target === 'local-branch'
      ? {
          kind: 'local-branch',
          repository: '/srv/git/svc-ledger',
          branch: 'template-upgrade/1.2.0',
        }
      : {
          kind: 'github-pull-request',
          repository: 'local-plus/svc-ledger',
          branch: 'template-upgrade/1.2.0',
        },
});

export const upgradeResult = (): UpgradeResult => ({
  entityRef: 'component:default/svc-ledger',
  from: '1.1.0',
  to: '1.2.0',
  branch: 'template-upgrade/1.2.0',
  commit: '3f9a2c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
  conflicts: ['k8s/deployment.yaml'],
});

/** Backstage's error body, as the backend's error handler answers. */
export const errorBody = (
  name: string,
  message: string,
  statusCode: number,
) => ({
  error: { name, message },
  response: { statusCode },
});
