import { ago, appPath, DAY, openFor, resourceLabel } from './format';

const now = Date.parse('2025-03-12T12:00:00Z');
const before = (ms: number) => new Date(now - ms).toISOString();

describe('format', () => {
  it('says how long a finding has been open, in whole days', () => {
    expect(openFor(before(12 * DAY + 5), now)).toBe('open for 12 days');
    expect(openFor(before(DAY), now)).toBe('open for 1 day');
    expect(openFor(before(DAY - 1), now)).toBe('open for less than a day');
    expect(openFor('not a date', now)).toBe('—');
  });

  it('says how long ago', () => {
    expect(ago(before(30_000), now)).toBe('just now');
    expect(ago(before(12 * 60_000), now)).toBe('12 min ago');
    expect(ago(before(3 * 3_600_000), now)).toBe('3 h ago');
    expect(ago(before(3 * DAY), now)).toBe('3 days ago');
    expect(ago(undefined, now)).toBe('—');
  });

  it('links remediation pages from the app root', () => {
    expect(appPath('/docs/default/component/docs/x/')).toBe(
      '/docs/default/component/docs/x/',
    );
    expect(appPath('docs/default/component/docs/x/#y')).toBe(
      '/docs/default/component/docs/x/#y',
    );
    expect(appPath('https://kyverno.io/policies/')).toBe(
      'https://kyverno.io/policies/',
    );
    // Anything else is a path in the app, never a scheme the browser runs.
    const script = ['javascript', 'alert(1)'].join(':');
    expect(appPath(script)).toBe(`/${script}`);
  });

  it('names a resource by kind, namespace and name', () => {
    expect(
      resourceLabel({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'svc-ledger',
        name: 'api',
      }),
    ).toBe('Deployment svc-ledger/api');
    expect(
      resourceLabel({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'svc-ledger',
      }),
    ).toBe('Namespace svc-ledger');
  });
});
