/**
 * Shared types, permissions and annotation names of the runbooks plugin.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
export * from './constants';
