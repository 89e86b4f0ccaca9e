export { ScorecardsPage, TREND_DAYS } from './ScorecardsPage';
