/**
 * Annotation, label and relation names, and the shapes of columns, topics
 * and findings, shared by the data-ownership catalog module and frontend.
 *
 * @packageDocumentation
 */
export * from './constants';
export * from './types';
