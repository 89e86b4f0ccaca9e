import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { Entity } from '@backstage/catalog-model';
import { DEAD_LETTERS_ANNOTATION } from '@internal/plugin-dlq-common';
import { DlqClient, dlqApiRef } from './api/DlqClient';

const dlqApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: dlqApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new DlqClient(deps),
    }),
});

/**
 * Entities of any kind that name their dead letters: Dramatiq services
 * (`dramatiq:ledger.`), the platform's `dramatiq-dead-letter` resource
 * (`dramatiq:*`) and BullMQ services (`bullmq:svc-rewards`).
 */
export const hasDeadLetters = (entity: Entity) =>
  Boolean(entity.metadata.annotations?.[DEAD_LETTERS_ANNOTATION]?.trim());

const deadLettersCard = EntityCardBlueprint.make({
  params: {
    filter: hasDeadLetters,
    loader: async () =>
      import('./components/EntityDeadLettersCard').then(m => (
        <m.EntityDeadLettersCard />
      )),
  },
});

const deadLettersContent = EntityContentBlueprint.make({
  params: {
    path: 'dead-letters',
    title: 'Dead letters',
    filter: hasDeadLetters,
    loader: async () =>
      import('./components/EntityDeadLettersContent').then(m => (
        <m.EntityDeadLettersContent />
      )),
  },
});

/**
 * Dead letters on entity pages: a card with the depth of each queue on the
 * overview, and a tab to inspect, replay or discard each dead-lettered task.
 */
export const dlqPlugin = createFrontendPlugin({
  pluginId: 'dlq',
  info: { packageJson: () => import('../package.json') },
  extensions: [dlqApi, deadLettersCard, deadLettersContent],
});
