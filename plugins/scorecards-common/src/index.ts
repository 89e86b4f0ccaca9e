/**
 * Shared types, check catalogue and permissions of the production-readiness
 * scorecards.
 *
 * @packageDocumentation
 */
export * from './checks';
export * from './permissions';
export * from './types';
