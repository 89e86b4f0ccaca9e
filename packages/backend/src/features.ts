/**
 * Every feature of the Local-Plus portal backend, in one list: index.ts
 * starts them, and the security tests start the same list (so a plugin
 * added here is in the permission matrix test at once).
 */
import { BackendFeature } from '@backstage/backend-plugin-api';
import appPlugin from '@backstage/plugin-app-backend';
import authPlugin from '@backstage/plugin-auth-backend';
import githubAuthModule from '@backstage/plugin-auth-backend-module-github-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogLogsModule from '@backstage/plugin-catalog-backend-module-logs';
import catalogTemplateModule from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import proxyPlugin from '@backstage/plugin-proxy-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderNotificationsModule from '@backstage/plugin-scaffolder-backend-module-notifications';
import searchPlugin from '@backstage/plugin-search-backend';
import searchCatalogModule from '@backstage/plugin-search-backend-module-catalog';
import searchPgModule from '@backstage/plugin-search-backend-module-pg';
import searchTechdocsModule from '@backstage/plugin-search-backend-module-techdocs';
import signalsPlugin from '@backstage/plugin-signals-backend';
import techdocsPlugin from '@backstage/plugin-techdocs-backend';
import userSettingsPlugin from '@backstage/plugin-user-settings-backend';
import dataOwnershipModule from '@internal/plugin-catalog-backend-module-data-ownership';
import localFilesModule from '@internal/plugin-catalog-backend-module-local-files';
import dlqPlugin from '@internal/plugin-dlq-backend';
import kyvernoPlugin from '@internal/plugin-kyverno-backend';
import rolesModule from '@internal/plugin-permission-backend-module-roles';
import runbooksPlugin from '@internal/plugin-runbooks-backend';
import goldenPathModule from '@internal/plugin-scaffolder-backend-module-golden-path';
import scorecardsPlugin from '@internal/plugin-scorecards-backend';
import templateUpgradesPlugin from '@internal/plugin-template-upgrades-backend';
import sloPlugin from '@internal/plugin-slo-backend';
import { guestSignIn } from './features/guestSignIn';

/** Sign-in: guest in development only (features/guestSignIn.ts), GitHub in production. */
export const authFeatures: BackendFeature[] = [
  authPlugin,
  guestSignIn,
  githubAuthModule,
];

/** Permissions: the Local-Plus role policy (developer, on-call,
 * compliance-reviewer, platform-admin). */
export const permissionFeatures: BackendFeature[] = [
  permissionPlugin,
  rolesModule,
];

/** The catalog: templates as entities, processing errors in the logs,
 * $text placeholders on disk, tables and topics with their owners. */
export const catalogFeatures: BackendFeature[] = [
  catalogPlugin,
  catalogTemplateModule,
  catalogLogsModule,
  localFilesModule,
  dataOwnershipModule,
];

/** The Scaffolder: GitHub in production, a local folder in development. */
export const scaffolderFeatures: BackendFeature[] = [
  scaffolderPlugin,
  scaffolderGithubModule,
  goldenPathModule,
  scaffolderNotificationsModule,
];

/** The Local-Plus plugins: runbooks and on-call, SLOs, dead letters,
 * Kyverno policy reports, the scorecards built from all of them, and the
 * golden path's template upgrades. */
export const localPlusFeatures: BackendFeature[] = [
  runbooksPlugin,
  sloPlugin,
  dlqPlugin,
  kyvernoPlugin,
  scorecardsPlugin,
  templateUpgradesPlugin,
];

export const portalFeatures: BackendFeature[] = [
  appPlugin,
  proxyPlugin,
  ...authFeatures,
  ...permissionFeatures,
  ...catalogFeatures,
  ...scaffolderFeatures,
  // TechDocs: built on this host in development; in production each
  // repository's CI builds and publishes them and the portal only reads
  // them (techdocs.builder: external).
  techdocsPlugin,
  // Search: PostgreSQL in production, in-memory on SQLite.
  searchPlugin,
  searchPgModule,
  searchCatalogModule,
  searchTechdocsModule,
  ...localPlusFeatures,
  kubernetesPlugin,
  userSettingsPlugin,
  notificationsPlugin,
  signalsPlugin,
  mcpActionsPlugin,
];
