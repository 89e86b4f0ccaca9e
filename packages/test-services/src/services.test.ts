import { serviceEnv } from './services';

describe('serviceEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads the variable of a running service', () => {
    process.env.LOCALPLUS_TEST_THING = 'redis://127.0.0.1:1';
    expect(serviceEnv('LOCALPLUS_TEST_THING')).toBe('redis://127.0.0.1:1');
  });

  it('is undefined when the services do not run, so that tests skip', () => {
    delete process.env.LOCALPLUS_TEST_THING;
    delete process.env.LOCALPLUS_REQUIRE_SERVICES;
    expect(serviceEnv('LOCALPLUS_TEST_THING')).toBeUndefined();
  });

  it('throws when the services are required (scripts/test.sh)', () => {
    delete process.env.LOCALPLUS_TEST_THING;
    process.env.LOCALPLUS_REQUIRE_SERVICES = '1';
    expect(() => serviceEnv('LOCALPLUS_TEST_THING')).toThrow(
      'LOCALPLUS_TEST_THING is not set: run scripts/services.sh start',
    );
  });
});
