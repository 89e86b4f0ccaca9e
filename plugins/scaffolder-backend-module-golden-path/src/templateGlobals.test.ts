import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  goldenPathTemplateGlobals,
  readContainerRegistry,
} from './templateGlobals';

describe('golden-path template globals', () => {
  it('gives the date of generation, in UTC', () => {
    const globals = goldenPathTemplateGlobals({
      containerRegistry: undefined,
      now: () => new Date('2027-03-01T23:30:00-05:00'),
    });
    expect(globals.todayUtc()).toBe('2027-03-02');
  });

  it('gives the configured registry, and fails the template clearly without one', () => {
    const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
    expect(
      goldenPathTemplateGlobals({
        containerRegistry: registry,
      }).containerRegistry(),
    ).toBe(registry);
    const unset = goldenPathTemplateGlobals({ containerRegistry: undefined });
    expect(() => unset.containerRegistry()).toThrow(InputError);
    expect(() => unset.containerRegistry()).toThrow(
      /scaffolder\.goldenPath\.containerRegistry is not set/,
    );
  });

  it.each([
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    'localhost:5000',
    'ghcr.io/local-plus',
  ])('accepts the registry %s', value => {
    const config = new ConfigReader({
      scaffolder: { goldenPath: { containerRegistry: value } },
    });
    expect(readContainerRegistry(config)).toBe(value);
  });

  it.each([
    'https://ghcr.io',
    'ghcr.io/local-plus/',
    'ECR.example.com',
    'registry.example.com/x:latest',
    'a b',
  ])('refuses the registry %s at start-up, naming the key', value => {
    const config = new ConfigReader({
      scaffolder: { goldenPath: { containerRegistry: value } },
    });
    expect(() => readContainerRegistry(config)).toThrow(
      /scaffolder\.goldenPath\.containerRegistry must be a registry host/,
    );
  });

  it('leaves the registry unset when the config has none', () => {
    expect(readContainerRegistry(new ConfigReader({}))).toBeUndefined();
  });
});
