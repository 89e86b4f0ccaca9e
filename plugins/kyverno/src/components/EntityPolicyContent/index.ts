export { EntityPolicyContent } from './EntityPolicyContent';
