/*
 * The platform's Kyverno rules checked offline against rendered manifests
 * (platformRules.ts), and kustomize overlays rendered as ArgoCD applies them
 * (kustomize.ts): for the golden-path template's tests and the portal's own
 * deploy manifests.
 */
export {
  checkWorkloads,
  findPolicyDir,
  loadPolicyRules,
  parsePolicyRules,
} from './platformRules';
export type { CheckOptions, PolicyRule, Violation } from './platformRules';
export { renderKustomize } from './kustomize';
export type { Manifest } from './kustomize';
