import { kyvernoPlugin } from './plugin';
import { hasKubernetesWorkloads } from './annotations';

const entity = (annotations?: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
});

describe('kyverno plugin', () => {
  it('is a plugin with the id kyverno', () => {
    expect(kyvernoPlugin.pluginId).toBe('kyverno');
  });

  it('shows the card and tab on entities tied to Kubernetes workloads', () => {
    expect(
      hasKubernetesWorkloads(
        entity({ 'backstage.io/kubernetes-id': 'svc-ledger' }),
      ),
    ).toBe(true);
    expect(
      hasKubernetesWorkloads(
        entity({ 'backstage.io/kubernetes-label-selector': 'app=svc-ledger' }),
      ),
    ).toBe(true);
    expect(
      hasKubernetesWorkloads(
        entity({ 'backstage.io/kubernetes-namespace': 'svc-ledger' }),
      ),
    ).toBe(true);
    expect(hasKubernetesWorkloads(entity())).toBe(false);
    expect(
      hasKubernetesWorkloads(
        entity({
          'backstage.io/kubernetes-id': ' ',
          'backstage.io/techdocs-ref': 'dir:.',
        }),
      ),
    ).toBe(false);
  });
});
