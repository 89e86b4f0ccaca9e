export { dlqPlugin as default } from './plugin';
export { DlqClient, dlqApiRef } from './api/DlqClient';
export type { DlqApi } from './api/DlqClient';
export { EntityDeadLettersCard } from './components/EntityDeadLettersCard';
export { EntityDeadLettersContent } from './components/EntityDeadLettersContent';
export { hasDeadLetters } from './plugin';
export type { DeadLetterList } from './api/DlqClient';
export { ServicesQueuesCard } from './components/ServicesQueuesCard';
