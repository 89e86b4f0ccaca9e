/**
 * A setting of the test services that scripts/services.sh starts, read from
 * its LOCALPLUS_* variable (e.g. LOCALPLUS_PG_HOST, LOCALPLUS_REDIS_URL,
 * LOCALPLUS_PROMETHEUS_URL, LOCALPLUS_KAFKA_BROKERS): undefined when the
 * services do not run, so that the tests needing them skip. With
 * LOCALPLUS_REQUIRE_SERVICES set (scripts/test.sh, CI) a missing one throws
 * instead: there, a test that needs a service never skips.
 */
export function serviceEnv(variable: string): string | undefined {
  const value = process.env[variable];
  if (!value && process.env.LOCALPLUS_REQUIRE_SERVICES) {
    throw new Error(`${variable} is not set: run scripts/services.sh start`);
  }
  return value || undefined;
}
