import { dlqPlugin, hasDeadLetters } from './plugin';

const entity = (kind: string, annotations?: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});

describe('dlq plugin', () => {
  it('is a plugin with the id dlq', () => {
    expect(dlqPlugin.pluginId).toBe('dlq');
  });

  it('shows the card and tab on any entity that names its dead letters', () => {
    expect(
      hasDeadLetters(
        entity('Component', {
          'local-plus.io/dead-letters': 'dramatiq:ledger.',
        }),
      ),
    ).toBe(true);
    expect(
      hasDeadLetters(
        entity('Resource', { 'local-plus.io/dead-letters': 'dramatiq:*' }),
      ),
    ).toBe(true);
    expect(hasDeadLetters(entity('Component'))).toBe(false);
    expect(
      hasDeadLetters(
        entity('Component', { 'local-plus.io/dead-letters': ' ' }),
      ),
    ).toBe(false);
  });
});
