/**
 * Shared types, permissions and annotation names of the SLO plugin.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './types';
