/**
 * Shared by the dead-letter plugin's frontend and backend: permissions, the
 * `local-plus.io/dead-letters` annotation, what the backend answers and the
 * request bodies it accepts.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './types';
