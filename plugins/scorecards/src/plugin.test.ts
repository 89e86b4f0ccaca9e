import { scorecardsPlugin, isScoredService } from './plugin';

const entity = (kind: string, type?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
  spec: type ? { type } : {},
});

describe('scorecards plugin', () => {
  it('is a plugin with the id scorecards', () => {
    expect(scorecardsPlugin.pluginId).toBe('scorecards');
  });

  it('shows the card and tab on services only', () => {
    expect(isScoredService(entity('Component', 'service'))).toBe(true);
    expect(isScoredService(entity('component', 'service'))).toBe(true);
    expect(isScoredService(entity('Component', 'website'))).toBe(false);
    expect(isScoredService(entity('Component'))).toBe(false);
    expect(isScoredService(entity('System', 'service'))).toBe(false);
  });
});
