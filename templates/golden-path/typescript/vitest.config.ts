import { defineConfig } from 'vitest/config';

/**
 * Three suites, one command (`npm test` runs them all through
 * scripts/test-services.sh, which provides PostgreSQL and Redis):
 * - unit: the domain and pure helpers, no I/O;
 * - integration: against real {% if values.ownsTables %}PostgreSQL{% endif %}{% if values.ownsTables and values.runsJobs %} and {% endif %}{% if values.runsJobs %}Redis{% endif %}{% if not values.ownsTables and not values.runsJobs %}HTTP (the service has no data store){% endif %};
 * - contract: every documented response of the running service, checked
 *   against openapi/openapi.yaml.
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
{%- if values.ownsTables or values.runsJobs %}
          globalSetup: ['tests/support/global-setup.ts'],
{%- endif %}
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'contract',
          include: ['tests/contract/**/*.test.ts'],
{%- if values.ownsTables or values.runsJobs %}
          globalSetup: ['tests/support/global-setup.ts'],
{%- endif %}
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
