/**
 * What every Local-Plus backend plugin does the same way.
 *
 * - Errors people can act on: DependencyError names the failing dependency
 *   by its configured name; errorBoundary, the last middleware of each
 *   router, logs the detail under a request id and keeps addresses, stacks
 *   and driver messages out of production answers.
 * - parseInput: a request's query, parameters or body checked with zod, or
 *   a 400 that names the parameter; entityRefFromParams: the entity
 *   reference of a route's :kind/:namespace/:name, checked the same way.
 * - PermissionCheck: a route's permission checked against the caller's
 *   credentials, or a 403 that says what the caller may not do.
 * - BoundedCache: in-process caches bounded by entries and bytes.
 */
export { DependencyError, isDependencyError } from './errors/DependencyError';
export { describeCause, formatSeconds } from './errors/describeCause';
export {
  errorBoundary,
  newRequestId,
  publicMessage,
  readErrorSettings,
  statusOf,
  withoutAddresses,
} from './errors/errorBoundary';
export type { ErrorSettings } from './errors/errorBoundary';
export { parseInput } from './errors/parseInput';
export type { ParseInputOptions } from './errors/parseInput';
export {
  entityRefFromParams,
  entityRefParams,
} from './requests/entityRefParams';
export { PermissionCheck } from './permissions/PermissionCheck';
export type { Caller } from './permissions/PermissionCheck';
export { BoundedCache } from './cache/BoundedCache';
export type { BoundedCacheOptions } from './cache/BoundedCache';
export {
  cardNumberSpans,
  containsCardNumber,
  looksLikePan,
  luhnValid,
} from './sensitive/cardNumbers';
export { DEFAULT_SENSITIVE_KEYS, Masker, REDACTED } from './sensitive/Masker';
export type { MaskerOptions, MaskLevel, MaskPattern } from './sensitive/Masker';
