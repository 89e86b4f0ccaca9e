export { LevelTrend, SERIES, summarize } from './LevelTrend';
