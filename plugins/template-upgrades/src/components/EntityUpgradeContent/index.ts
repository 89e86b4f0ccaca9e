export {
  EntityUpgradeContent,
  fileSummary,
  isNothingToUpgrade,
  useUpgradeProposal,
} from './EntityUpgradeContent';
