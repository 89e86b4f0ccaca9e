/*
 * The Local-Plus Developer Portal backend: one backend.add(...) per feature.
 * Configuration: app-config.yaml (embedded defaults), app-config.production.yaml.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Auth: guest in development, GitHub in production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

// Permissions: the Local-Plus role policy (developer, on-call,
// compliance-reviewer, platform-admin).
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@internal/plugin-permission-backend-module-roles'));

// Catalog, with templates as entities and processing errors in the logs.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// $text placeholders in catalog files read from disk (catalog/apis/).
backend.add(
  import('@internal/plugin-catalog-backend-module-local-files'),
);
// Tables from the live databases, declared Kafka topics, data-ownership rules.
backend.add(
  import('@internal/plugin-catalog-backend-module-data-ownership'),
);

// Scaffolder: publish to GitHub in production, to a local folder here.
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(import('@internal/plugin-scaffolder-backend-module-golden-path'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// TechDocs, built with Debian's mkdocs on this host.
backend.add(import('@backstage/plugin-techdocs-backend'));

// Search: PostgreSQL in production, in-memory on SQLite.
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// Runbooks from TechDocs, firing alerts tied to them, the on-call rotation.
backend.add(import('@internal/plugin-runbooks-backend'));

// SLOs, error budgets and burn rates from Prometheus (Sloth recording rules).
backend.add(import('@internal/plugin-slo-backend'));

// Dramatiq dead letters in Valkey: list, replay and discard (on-call), audited.
backend.add(import('@internal/plugin-dlq-backend'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// A plugin that fails to start (a missing config key, a database that cannot
// be reached) stops the process, so that an orchestrator sees the failure
// instead of a backend that never becomes ready.
backend.start().catch(error => {
  // eslint-disable-next-line no-console
  console.error(`Backend failed to start: ${error?.stack ?? error}`);
  process.exit(1);
});
