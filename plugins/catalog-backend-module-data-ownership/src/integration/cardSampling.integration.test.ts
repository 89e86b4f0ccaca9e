import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { dropDatabase, sharedPostgres } from '@internal/test-services';
import { readDataOwnershipConfig } from '../config';
import {
  LiveTable,
  PostgresIntrospector,
} from '../postgres/PostgresIntrospector';
import { DataOwnershipEntityProvider } from '../provider/DataOwnershipEntityProvider';
import {
  createFixtureDatabase,
  describeWithPostgres,
} from '../__testUtils__/postgres';

jest.setTimeout(60_000);

/** The card networks' public test numbers, as they are written in the rows. */
const VISA = '4111111111111111';
const MASTERCARD_SPACED = '5555 5555 5555 4444';
const DISCOVER_DASHED = '6011-1111-1111-1117';
const AMEX = '378282246310005';
const MASTERCARD = '5555555555554444';

/**
 * Card numbers where data ownership used to miss them: in some rows only,
 * inside JSON documents, arrays and longer texts, in citext and domain
 * columns; and digits that are not card numbers, most of them Luhn-valid.
 */
const CARD_SQL = `
CREATE EXTENSION IF NOT EXISTS citext;
CREATE SCHEMA cards;
CREATE DOMAIN cards.reference AS varchar(200);
CREATE TABLE cards.orders (
  id int PRIMARY KEY,
  -- 3 of 5 rows hold a card number, the others a gift-card reference.
  card_ref text,
  -- 2 of 5 documents hold a card number, as a string and as a number.
  payload jsonb,
  -- 16-digit order numbers that fail Luhn.
  order_no text,
  -- Phone numbers: the digits of +4915112345678 and 61 23 45 67 89 01 25 pass Luhn.
  phone varchar(32),
  -- Unix times in ms and µs, a decimal, a UUID, one repeated digit, 20 digits: all Luhn-valid.
  events json,
  -- One array holds a card number.
  tags text[],
  -- A card number past the 40th character of a note.
  note cards.reference,
  -- A card number in a case-insensitive text.
  contact citext,
  -- 20 digits across the 8192nd character, where sampling cuts a value: the
  -- first 16 pass Luhn, but they are not a card number.
  blob text
);
INSERT INTO cards.orders VALUES
  (1, '${VISA}',
      '{"payment": {"method": "card", "pan": "${VISA}", "exp": "12/27"}}',
      '4111111111111112', '+4915112345678',
      '{"at": 1718035200001, "us": 1718035200000005, "ratio": 0.1234567890123452}',
      '{gift,birthday}', 'short note', 'ada@example.org'),
  (2, 'GC-REF-20931',
      '{"items": [{"sku": "GC-50", "qty": 1}], "card": ${MASTERCARD}}',
      '4111111111111113', '+44 7911 123456',
      '{"id": "00000000-0000-0000-0000-000000000042", "seq": 8888888888888888}',
      '{gift,"${AMEX}"}',
      'Customer called about the refund of order 20931; card was ${MASTERCARD_SPACED}.',
      'read out ${DISCOVER_DASHED} on the phone'),
  (3, '${MASTERCARD_SPACED}',
      '{"order": "4111111111111114", "amount": 12.5}',
      '4111111111111115', '0612345678',
      '{"batch": 41111111111111111115}',
      '{}', NULL, NULL),
  (4, 'GC-REF-20932',
      '{"phone": "+4915112345678", "at": 1718035200001}',
      '4111111111111116', '+1-202-555-0143',
      '{"ratio": 4111111111111111.25}',
      NULL, 'nothing here', 'bob@example.org'),
  (5, '${DISCOVER_DASHED}', NULL,
      '4111111111111117', '61 23 45 67 89 01 25', NULL, NULL, NULL, NULL);
UPDATE cards.orders SET blob = repeat('x', 8192 - 16) || '41111111111111111234'
WHERE id = 1;
`;

/** Every value a card column above holds, written both ways. */
const SAMPLED_CARD_NUMBERS = [
  VISA,
  MASTERCARD_SPACED,
  MASTERCARD,
  DISCOVER_DASHED,
  '6011111111111117',
  AMEX,
];
/** Other sampled values distinctive enough to look for. */
const OTHER_SAMPLED_VALUES = [
  'GC-REF-20931',
  '4111111111111112',
  '+4915112345678',
  '4915112345678',
  '1718035200001',
  '61 23 45 67 89 01 25',
  'Customer called',
  'ada@example.org',
];

/** A logger that keeps every line, and those of its children, as text. */
function recordingLogger(lines: string[]): LoggerService {
  const record =
    (level: string, fields: Record<string, unknown>) =>
    (message: string, meta?: Error | Record<string, unknown>) => {
      lines.push(
        JSON.stringify({ level, message, ...fields, meta }, (_, v) =>
          v instanceof Error ? `${v.message}\n${v.stack}` : v,
        ),
      );
    };
  const make = (fields: Record<string, unknown>): LoggerService => ({
    error: record('error', fields),
    warn: record('warn', fields),
    info: record('info', fields),
    debug: record('debug', fields),
    child: meta => make({ ...fields, ...meta }),
  });
  return make({});
}

describeWithPostgres(
  'card numbers found by sampling, against PostgreSQL',
  () => {
    const server = sharedPostgres();
    let database: string;

    beforeAll(async () => {
      database = await createFixtureDatabase(server, CARD_SQL);
    });

    afterAll(async () => {
      if (database) await dropDatabase(server, database);
    });

    const databaseConfig = (extra: object = {}) => ({
      name: 'cards-it',
      resource: 'aiven-postgresql',
      connection: { ...server, database },
      schemas: ['ledger', 'wallet', 'merchant', 'giftcard', 'public', 'cards'],
      ...extra,
    });

    async function introspect(extra: object = {}, lines: string[] = []) {
      const config = readDataOwnershipConfig(
        new ConfigReader({
          dataOwnership: { databases: [databaseConfig(extra)] },
        }),
      );
      return new PostgresIntrospector(
        config.databases[0],
        recordingLogger(lines),
      ).introspect();
    }

    const cardColumns = (tables: LiveTable[]) =>
      tables.flatMap(t =>
        t.columns
          .filter(c => c.flags.includes('card-data'))
          .map(c => `${t.schema}.${t.table}.${c.name}`),
      );
    const column = (tables: LiveTable[], name: string) =>
      tables
        .find(t => t.schema === 'cards' && t.table === 'orders')!
        .columns.find(c => c.name === name)!;

    it('flags a column when some sampled values hold card numbers, in text, JSON, arrays, domains and citext', async () => {
      const tables = await introspect();
      expect(cardColumns(tables).sort()).toEqual([
        'cards.orders.card_ref',
        'cards.orders.contact',
        'cards.orders.note',
        'cards.orders.payload',
        'cards.orders.tags',
        'giftcard.card_payments.pan',
        'giftcard.card_payments.processor_ref',
      ]);
      expect(column(tables, 'card_ref')).toMatchObject({
        type: 'text',
        flags: ['card-data'],
        reasons: ['sampled values pass Luhn'],
      });
      expect(column(tables, 'payload')).toMatchObject({
        type: 'jsonb',
        flags: ['card-data'],
        reasons: ['sampled values pass Luhn'],
      });
      expect(column(tables, 'tags').type).toBe('text[]');
    });

    it('leaves order numbers, phone numbers, times, decimals and ids unflagged', async () => {
      const tables = await introspect();
      for (const name of ['id', 'order_no', 'phone', 'events', 'blob']) {
        expect(column(tables, name).flags).not.toContain('card-data');
      }
      // phone is personal data by its name, nothing more.
      expect(column(tables, 'phone').flags).toEqual(['personal-data']);
      // The fixture's order references (16 digits failing Luhn) and hashes.
      const tx = tables.find(
        t => t.schema === 'ledger' && t.table === 'transactions',
      )!;
      expect(tx.columns.filter(c => c.flags.length > 0)).toEqual([]);
    });

    it('flags a column only from minCardSamples card numbers on', async () => {
      const three = await introspect({ minCardSamples: 3 });
      expect(column(three, 'card_ref').flags).toEqual(['card-data']); // 3 of 5
      expect(column(three, 'payload').flags).toEqual([]); // 2 of 5
      expect(column(three, 'tags').flags).toEqual([]); // 1 of 5

      const four = await introspect({ minCardSamples: 4 });
      expect(column(four, 'card_ref').flags).toEqual([]);
      // Four sampled values of the fixture's processor_ref, all card numbers.
      const processorRef = four
        .find(t => t.schema === 'giftcard' && t.table === 'card_payments')!
        .columns.find(c => c.name === 'processor_ref')!;
      expect(processorRef.flags).toEqual(['card-data']);
    });

    it('puts no sampled value into the entities or the logs', async () => {
      const lines: string[] = [];
      const config = readDataOwnershipConfig(
        new ConfigReader({
          dataOwnership: {
            system: 'local-plus',
            databases: [databaseConfig()],
          },
        }),
      );
      const provider = new DataOwnershipEntityProvider({
        config,
        logger: recordingLogger(lines),
        taskRunner: { run: jest.fn() },
      });
      const connection: jest.Mocked<EntityProviderConnection> = {
        applyMutation: jest.fn(),
        refresh: jest.fn(),
      };
      await provider.connect(connection);
      const result = await provider.refresh();
      expect(result.applied).toBe(true);

      const emitted = JSON.stringify(connection.applyMutation.mock.calls);
      const orders = result.entities.find(
        e => e.metadata.name === 'cards-orders',
      )!;
      expect(orders.metadata.labels).toMatchObject({
        'local-plus.io/card-data': 'true',
      });
      expect(emitted).toContain('cards-orders');
      expect(lines.length).toBeGreaterThan(0);

      // Debug logs too: a lost value would most likely hide there.
      const logs = lines.join('\n');
      for (const value of [...SAMPLED_CARD_NUMBERS, ...OTHER_SAMPLED_VALUES]) {
        expect(emitted).not.toContain(value);
        expect(logs).not.toContain(value);
      }
    });
  },
);
