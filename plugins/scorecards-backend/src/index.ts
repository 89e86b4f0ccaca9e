/**
 * Production-readiness scorecards backend.
 *
 * @packageDocumentation
 */
export { scorecardsPlugin as default } from './plugin';
