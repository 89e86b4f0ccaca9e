import { mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_DOCS_CONFIG, readRunbooksConfig } from './config';

const read = (runbooks?: object) =>
  readRunbooksConfig(
    mockServices.rootConfig({ data: runbooks ? { runbooks } : {} }),
  );

describe('readRunbooksConfig', () => {
  it('has defaults for everything', () => {
    expect(read()).toEqual({
      staleAfterDays: 90,
      onCallGroup: 'group:default/on-call',
      prometheus: { name: 'default', timeoutMs: 5000 },
      docs: {
        concurrency: 4,
        timeoutMs: 5000,
        refreshAfterMs: 300_000,
        failureTtlMs: 60_000,
        cache: {
          maxEntries: 5000,
          maxBytes: 16 * 1024 * 1024,
          maxAgeMs: 86_400_000,
        },
      },
    });
    expect(read().docs).toEqual(DEFAULT_DOCS_CONFIG);
  });

  it('reads a named Prometheus and docs limits', () => {
    const config = read({
      prometheus: {
        name: 'prod-eu-west-1',
        baseUrl: 'https://prometheus.example:9090',
        timeoutMs: 3000,
      },
      docs: { concurrency: 2, timeoutMs: 2000, cache: { maxEntries: 10 } },
    });
    expect(config.prometheus).toEqual({
      name: 'prod-eu-west-1',
      baseUrl: 'https://prometheus.example:9090',
      timeoutMs: 3000,
    });
    expect(config.docs.concurrency).toBe(2);
    expect(config.docs.timeoutMs).toBe(2000);
    expect(config.docs.cache).toEqual({
      ...DEFAULT_DOCS_CONFIG.cache,
      maxEntries: 10,
    });
  });

  it('treats an empty base URL (an unset variable) as not configured', () => {
    expect(read({ prometheus: { baseUrl: '' } }).prometheus.baseUrl).toBe(
      undefined,
    );
  });

  it.each([
    [
      { prometheus: { name: "prod's" } },
      'Invalid config runbooks.prometheus.name: a short name (letters, digits, _ . -), e.g. prod-eu-west-1',
    ],
    [
      { prometheus: { baseUrl: 'prometheus:9090/x y' } },
      'Invalid config runbooks.prometheus.baseUrl: expected http:// or https://, not prometheus:',
    ],
    [
      { prometheus: { timeoutMs: 0 } },
      'Invalid config runbooks.prometheus.timeoutMs: expected a positive number of milliseconds',
    ],
    [
      { docs: { concurrency: 1.5 } },
      'Invalid config runbooks.docs.concurrency: expected a whole number of sites',
    ],
    [
      { docs: { concurrency: 500 } },
      'Invalid config runbooks.docs.concurrency: at most 64 sites at once',
    ],
    [
      { docs: { cache: { maxBytes: -1 } } },
      'Invalid config runbooks.docs.cache.maxBytes: expected a positive number of bytes',
    ],
    [
      { docs: { refreshAfterMs: 2000, cache: { maxAgeMs: 1000 } } },
      'Invalid config runbooks.docs.refreshAfterMs: must not be longer than runbooks.docs.cache.maxAgeMs',
    ],
    [
      { onCallGroup: 'on-call' },
      'Invalid config runbooks.onCallGroup: expected a group reference such as group:default/on-call',
    ],
    [
      { docs: { timeout: 5 } },
      'Invalid config runbooks.docs: Unrecognized key: "timeout"',
    ],
  ])('names the key of a mistake: %j', (runbooks, message) => {
    expect(() => read(runbooks)).toThrow(message);
  });
});
