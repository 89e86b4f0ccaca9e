export { LevelChip, LEVEL_COLORS } from './LevelChip';
