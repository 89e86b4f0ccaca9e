import { mockServices } from '@backstage/backend-test-utils';
import { readSloConfig } from './config';

const read = (slo?: object) =>
  readSloConfig(mockServices.rootConfig({ data: slo ? { slo } : {} }));

describe('readSloConfig', () => {
  it('has defaults, and keys each server for hints', () => {
    expect(read()).toEqual({ windowDays: 30, prometheus: [] });
    expect(
      read({
        prometheus: [
          { name: 'prod', baseUrl: 'https://prometheus.example' },
          {
            name: 'eu-west-1b',
            baseUrl: 'http://10.0.0.2:9090',
            timeoutMs: 2000,
          },
        ],
      }).prometheus,
    ).toEqual([
      {
        name: 'prod',
        baseUrl: 'https://prometheus.example',
        timeoutMs: 5000,
        configKey: 'slo.prometheus[0]',
      },
      {
        name: 'eu-west-1b',
        baseUrl: 'http://10.0.0.2:9090',
        timeoutMs: 2000,
        configKey: 'slo.prometheus[1]',
      },
    ]);
  });

  it.each([
    [
      { prometheus: [{ baseUrl: 'http://p' }] },
      'Invalid config slo.prometheus[0].name: give each server a name, e.g. prod-eu-west-1',
    ],
    [
      { prometheus: [{ name: 'prod eu', baseUrl: 'http://p' }] },
      'Invalid config slo.prometheus[0].name: a short name (letters, digits, _ . -), e.g. prod-eu-west-1',
    ],
    [
      {
        prometheus: [
          { name: 'prod', baseUrl: 'http://a' },
          { name: 'prod', baseUrl: 'http://b' },
        ],
      },
      "Invalid config slo.prometheus[1].name: 'prod' names another server too; names must differ",
    ],
    [
      { prometheus: [{ name: 'prod', baseUrl: 'ftp://p' }] },
      'Invalid config slo.prometheus[0].baseUrl: expected http:// or https://, not ftp:',
    ],
    [
      { prometheus: [{ name: 'prod', baseUrl: 'http://p', timeoutMs: -1 }] },
      'Invalid config slo.prometheus[0].timeoutMs: expected a positive number of milliseconds',
    ],
    [
      { windowDays: 0 },
      'Invalid config slo.windowDays: expected a positive number of days',
    ],
  ])('names the key of a mistake: %j', (slo, message) => {
    expect(() => read(slo)).toThrow(message);
  });
});
