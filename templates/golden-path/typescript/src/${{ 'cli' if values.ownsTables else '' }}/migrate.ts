import { ConfigError, loadMigrationConfig } from '../app/config';
import { createMigrationPool, migrate } from '../app/infrastructure/postgres/migrator';

/**
 * `npm run migrate`: applies pending migrations/ to DATABASE_URL, then exits.
 * Runs before the new version starts (a Kubernetes Job or an init step), and
 * is safe to run twice or from two places at once.
 */
async function main(): Promise<void> {
  const config = loadMigrationConfig();
  const pool = createMigrationPool(config);
  try {
    const applied = await migrate(pool, {
      serviceName: config.SERVICE_NAME,
      log: message => console.log(JSON.stringify({ level: 'info', service: config.SERVICE_NAME, message })),
    });
    console.log(
      JSON.stringify({
        level: 'info',
        service: config.SERVICE_NAME,
        message: applied.length ? `${applied.length} migration(s) applied` : 'schema is up to date',
      }),
    );
  } finally {
    await pool.end();
  }
}

main().catch(error => {
  const message = error instanceof ConfigError ? error.message : String(error?.message ?? error);
  console.error(JSON.stringify({ level: 'fatal', message }));
  process.exit(1);
});
