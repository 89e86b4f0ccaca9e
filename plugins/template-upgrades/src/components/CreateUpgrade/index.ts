export { actionLabel, CreateUpgrade, targetText } from './CreateUpgrade';
