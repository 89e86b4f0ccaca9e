/**
 * Shared types and permissions of the SLO plugin.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';

/** The Sloth service name of an entity, when it differs from its name. */
export const SLO_SERVICE_ANNOTATION = 'local-plus.io/slo-service';
