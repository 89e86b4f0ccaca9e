/**
 * A kustomize overlay rendered as `kubectl kustomize` renders it (what
 * ArgoCD applies), as plain objects: for the tests that check manifests
 * against the platform's rules (platformRules.ts), the golden path's and
 * the portal's own. Needs `kubectl` on PATH.
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

export type Manifest = Record<string, any> & {
  kind: string;
  metadata: { name: string; [key: string]: any };
};

export function renderKustomize(dir: string): Manifest[] {
  const out = execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseAllDocuments(out)
    .map(d => d.toJS())
    .filter(Boolean);
}
