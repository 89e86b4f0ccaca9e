/**
 * Production-readiness scorecards in the portal: the card and tab of every
 * service, and the Scorecards page.
 *
 * @packageDocumentation
 */
export { scorecardsPlugin as default, isScoredService } from './plugin';
export { ScorecardsClient, scorecardsApiRef } from './api/ScorecardsClient';
export type { ScorecardFilter, ScorecardsApi } from './api/ScorecardsClient';
