import { Entity } from '@backstage/catalog-model';
import {
  parseLabelSelector,
  resourceMatches,
  selectorMatches,
  selectorOf,
} from './matching';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc-ledger', namespace: 'default', annotations },
  spec: {},
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/ledger-team' },
    { type: 'partOf', targetRef: 'system:default/wallet' },
  ],
});

describe('label selectors', () => {
  const labels = {
    app: 'ledger',
    tier: 'api',
    'app.kubernetes.io/part-of': 'local-plus',
  };
  it.each([
    ['app=ledger', true],
    ['app==ledger', true],
    ['app!=ledger', false],
    ['app in (ledger, wallet)', true],
    ['app notin (ledger)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=ledger,tier=worker', false],
    ['app.kubernetes.io/part-of=local-plus,tier in (api)', true],
  ])('%s → %s', (selector, expected) => {
    expect(selectorMatches(parseLabelSelector(selector), labels)).toBe(
      expected,
    );
  });

  it('refuses what the API server would refuse', () => {
    expect(() => parseLabelSelector('app=(x')).toThrow(/not a label selector/);
  });
});

describe('which resources an entity owns', () => {
  const ledgerPod = {
    namespace: 'svc-ledger',
    labels: { 'backstage.io/kubernetes-id': 'svc-ledger', app: 'ledger' },
  };
  it('by kubernetes-id, narrowed by kubernetes-namespace', () => {
    const s = selectorOf(
      entity({
        'backstage.io/kubernetes-id': 'svc-ledger',
        'backstage.io/kubernetes-namespace': 'svc-ledger',
      }),
    )!;
    expect(resourceMatches(s, ledgerPod)).toBe(true);
    expect(resourceMatches(s, { ...ledgerPod, namespace: 'svc-wallet' })).toBe(
      false,
    );
    expect(s).toMatchObject({
      owner: 'group:default/ledger-team',
      system: 'system:default/wallet',
    });
  });
  it('by label selector, instead of the id', () => {
    const s = selectorOf(
      entity({ 'backstage.io/kubernetes-label-selector': 'app=ledger' }),
    )!;
    expect(
      resourceMatches(s, { namespace: 'x', labels: { app: 'ledger' } }),
    ).toBe(true);
    expect(
      resourceMatches(s, { namespace: 'x', labels: { app: 'wallet' } }),
    ).toBe(false);
  });
  it('by namespace alone: the whole namespace', () => {
    const s = selectorOf(
      entity({ 'backstage.io/kubernetes-namespace': 'svc-ledger' }),
    )!;
    expect(resourceMatches(s, { namespace: 'svc-ledger', labels: {} })).toBe(
      true,
    );
    expect(resourceMatches(s, { namespace: 'svc-wallet', labels: {} })).toBe(
      false,
    );
  });
  it('a malformed selector matches nothing, and says so', () => {
    const problems: string[] = [];
    const s = selectorOf(
      entity({ 'backstage.io/kubernetes-label-selector': 'app in (' }),
      m => problems.push(m),
    )!;
    expect(
      resourceMatches(s, { namespace: 'x', labels: { app: 'ledger' } }),
    ).toBe(false);
    expect(problems[0]).toContain('component:default/svc-ledger');
  });
  it('an entity with none of the annotations has no selector', () => {
    expect(selectorOf(entity({}))).toBeUndefined();
  });
});
