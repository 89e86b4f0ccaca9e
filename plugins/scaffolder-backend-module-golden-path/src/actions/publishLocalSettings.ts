import { createTemplateAction } from '@backstage/plugin-scaffolder-node';

/**
 * `publish:local:settings` tells a template where this portal publishes:
 * `enabled` is true when `publish:local` is configured and switched on
 * (development, tests), false in production, where templates take their
 * `publish:github` branch. Templates cannot read config themselves.
 */
export function createPublishLocalSettingsAction(options: {
  enabled: boolean;
}) {
  return createTemplateAction({
    id: 'publish:local:settings',
    description:
      'Outputs `enabled`: whether this portal publishes generated repositories to a local folder instead of GitHub.',
    supportsDryRun: true,
    schema: {
      output: {
        enabled: z =>
          z.boolean().describe('true: use publish:local; false: GitHub'),
      },
    },
    async handler(ctx) {
      ctx.output('enabled', options.enabled);
    },
  });
}
