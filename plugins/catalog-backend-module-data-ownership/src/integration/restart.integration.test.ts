import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { PrivatePostgres, withClient } from '@internal/test-services';
import { readDataOwnershipConfig } from '../config';
import { DataOwnershipEntityProvider } from '../provider/DataOwnershipEntityProvider';
import { describeWithPostgres, FIXTURE_SQL } from '../__testUtils__/postgres';

jest.setTimeout(120_000);

/**
 * The database stopped and restarted under the provider. A private cluster
 * is used, never the shared test PostgreSQL others rely on.
 */
describeWithPostgres(
  'the provider while its database stops and restarts',
  () => {
    const cluster = new PrivatePostgres();
    const names = (mutation: any) =>
      mutation.entities.map((e: any) => e.entity.metadata.name).sort();

    beforeAll(async () => {
      await cluster.init();
      await withClient({ ...cluster.config(), database: 'postgres' }, c =>
        c.query('CREATE DATABASE localplus'),
      );
      await withClient({ ...cluster.config(), database: 'localplus' }, c =>
        c.query(FIXTURE_SQL),
      );
    });
    afterAll(() => cluster.destroy());

    function provider() {
      const config = readDataOwnershipConfig(
        new ConfigReader({
          dataOwnership: {
            databases: [
              {
                name: 'private',
                resource: 'aiven-postgresql',
                connection: { ...cluster.config(), database: 'localplus' },
                schemas: ['ledger', 'wallet', 'merchant', 'giftcard', 'public'],
                attempts: 2,
                retryDelayMs: 200,
                connectTimeoutMs: 2000,
              },
            ],
          },
        }),
      );
      const logger = mockServices.logger.mock();
      const connection: jest.Mocked<EntityProviderConnection> = {
        applyMutation: jest.fn(),
        refresh: jest.fn(),
      };
      const p = new DataOwnershipEntityProvider({
        config,
        logger,
        taskRunner: { run: jest.fn() },
      });
      return { p, logger, connection };
    }

    it('keeps the last known tables while it is down, and reads again once it is back', async () => {
      const { p, logger, connection } = provider();
      await p.connect(connection);

      const first = await p.refresh();
      expect(first).toMatchObject({ applied: true, unreachable: [] });
      const known = names(connection.applyMutation.mock.calls[0][0]);
      expect(known).toHaveLength(10);
      expect(known).toContain('ledger-transactions');

      cluster.stop();
      const down = await p.refresh();
      expect(down).toMatchObject({
        applied: true,
        unreachable: ['private'],
        stale: ['private'],
      });
      // The same entities again, not an empty or partial list.
      expect(names(connection.applyMutation.mock.calls[1][0])).toEqual(known);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /Reading database private failed \(attempt 1 of 2\): .*ECONNREFUSED/,
        ),
      );
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'Database private unreachable after 2 attempts',
        ),
      );

      // A backend that starts while the database is down knows no table of
      // it: it applies nothing, so the catalog keeps what it stored before.
      const restarted = provider();
      await restarted.p.connect(restarted.connection);
      expect(await restarted.p.refresh()).toMatchObject({ applied: false });
      expect(restarted.connection.applyMutation).not.toHaveBeenCalled();
      expect(restarted.logger.error).toHaveBeenCalledWith(
        expect.stringContaining('no change is applied to the catalog'),
      );

      cluster.start();
      await withClient({ ...cluster.config(), database: 'localplus' }, c =>
        c.query(
          "CREATE TABLE ledger.fx_rates (currency_code char(3) PRIMARY KEY, rate numeric); COMMENT ON TABLE ledger.fx_rates IS 'owned-by: svc-ledger'",
        ),
      );
      const back = await p.refresh();
      expect(back).toMatchObject({ applied: true, unreachable: [], stale: [] });
      expect(names(connection.applyMutation.mock.calls[2][0])).toEqual(
        [...known, 'ledger-fx-rates'].sort(),
      );
      expect(await restarted.p.refresh()).toMatchObject({ applied: true });
    });
  },
);
