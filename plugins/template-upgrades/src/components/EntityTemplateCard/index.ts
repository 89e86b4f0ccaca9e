export {
  EntityTemplateCard,
  isNotGenerated,
  NotGenerated,
  useServiceDrift,
} from './EntityTemplateCard';
