import { templateUpgradesPlugin, isGeneratedFromTemplate } from './plugin';

const entity = (annotations?: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
  spec: { type: 'service' },
});

describe('template-upgrades plugin', () => {
  it('is a plugin with the id template-upgrades', () => {
    expect(templateUpgradesPlugin.pluginId).toBe('template-upgrades');
  });

  it('shows the card and tab on entities generated from a template only', () => {
    expect(
      isGeneratedFromTemplate(
        entity({ 'local-plus.io/template': 'svc-typescript' }),
      ),
    ).toBe(true);
    expect(isGeneratedFromTemplate(entity({}))).toBe(false);
    expect(isGeneratedFromTemplate(entity())).toBe(false);
    expect(
      isGeneratedFromTemplate(entity({ 'local-plus.io/template': '' })),
    ).toBe(false);
  });
});
