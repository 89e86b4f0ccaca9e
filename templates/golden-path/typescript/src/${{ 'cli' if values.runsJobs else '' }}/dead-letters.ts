import { ConfigError, loadConfig } from '../app/config';
import { createLogger } from '../app/infrastructure/logger';
import { Metrics } from '../app/infrastructure/metrics';
import { jobDefinitions } from '../app/infrastructure/jobs/definitions';
import { JobNotFoundError, JobSystem } from '../app/infrastructure/jobs/job-system';
{%- if values.ownsTables %}
import { AccountStore } from '../app/infrastructure/postgres/account-store';
import { databaseConnection } from '../app/infrastructure/postgres/database-url';
import { createPool } from '../app/infrastructure/postgres/pool';
{%- endif %}

const USAGE = `usage: npm run dead-letters -- list
       npm run dead-letters -- replay <id>
       npm run dead-letters -- discard <id>`;

/**
 * On-call's view of the dead letters when the portal is not at hand (run it
 * in the service's pod: kubectl -n ${{ values.name | dump }} exec ${{ ('deploy/' ~ values.name) | dump }} -- node dist/cli/dead-letters.js list).
 * Replay only once the cause is fixed; see the dead-letters runbook.
 */
async function main(argv: string[]): Promise<number> {
  const [command, id] = argv;
  if (!command || !['list', 'replay', 'discard'].includes(command) || (command !== 'list' && !id)) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', serviceName: config.SERVICE_NAME });
  const jobs = new JobSystem({
    redisUrl: config.REDIS_URL,
    serviceName: config.SERVICE_NAME,
    metrics: new Metrics({ defaultMetrics: false }),
    logger,
    namespace: config.REDIS_NAMESPACE,
  });
{%- if values.ownsTables %}
  const pool = createPool({
    connectionString: databaseConnection(config, error => logger.error({ err: error }, 'DATABASE_URL_FILE unreadable')),
    max: 1,
    applicationName: `${config.SERVICE_NAME}-dead-letters`,
  });
  jobs.define(...jobDefinitions({ accounts: new AccountStore(pool) }));
{%- else %}
  jobs.define(...jobDefinitions({ redis: jobs.redis, keyPrefix: jobs.keyPrefix }));
{%- endif %}
  try {
    // Commands fail fast while disconnected; wait for the connection first.
    await jobs.ping();
    if (command === 'list') {
      for (const letter of await jobs.deadLetters.list()) {
        console.log(
          [letter.id, letter.jobName, `attempts=${letter.attemptsMade}`, letter.deadLetteredAt, letter.failedReason].join('\t'),
        );
      }
    } else if (command === 'replay') {
      await jobs.replayDeadLetter(id!);
      console.log(`replayed ${id}`);
    } else {
      await jobs.discardDeadLetter(id!);
      console.log(`discarded ${id}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof JobNotFoundError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await jobs.close();
{%- if values.ownsTables %}
    await pool.end();
{%- endif %}
  }
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  error => {
    const message = error instanceof ConfigError ? error.message : String(error?.message ?? error);
    console.error(message);
    process.exit(1);
  },
);
