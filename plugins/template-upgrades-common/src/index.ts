/**
 * Shared types, annotations and permissions of the template upgrades.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './types';
