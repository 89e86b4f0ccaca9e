import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDeclaredTables, readDeclaredTopics } from './declared';

describe('declared specs', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-ownership-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the repository catalog/data files', async () => {
    const root = path.resolve(__dirname, '../../../catalog/data');
    const tables = await readDeclaredTables([path.join(root, 'tables.yaml')]);
    expect(tables.map(t => `${t.schema}.${t.table}`)).toEqual([
      'ledger.transactions',
      'ledger.ledger_entries',
      'wallet.wallets',
      'wallet.balance_snapshots',
      'merchant.merchants',
      'giftcard.giftcards',
    ]);
    expect(tables[0]).toMatchObject({
      owner: 'component:default/svc-ledger',
      database: 'resource:default/aiven-postgresql',
      accessPattern: 'CRUD',
    });
    const topics = await readDeclaredTopics([path.join(root, 'topics.yaml')]);
    expect(topics.find(t => t.name === 'ledger.transactions.v1')).toMatchObject(
      {
        producers: ['component:default/svc-ledger'],
        consumers: [
          'component:default/svc-notification',
          'component:default/svc-analytics',
        ],
        retention: '7d',
        cluster: 'resource:default/aiven-kafka',
      },
    );
  });

  it('adds up the producers of a topic declared in two files', async () => {
    const a = write(
      'a.yaml',
      'topics:\n  - { name: t.v1, producer: svc-a, consumers: [svc-c] }\n',
    );
    const b = write(
      'b.yaml',
      'topics:\n  - { name: t.v1, producers: [svc-b], partitions: 6 }\n',
    );
    const [topic] = await readDeclaredTopics([a, b]);
    expect(topic).toMatchObject({
      producers: ['component:default/svc-a', 'component:default/svc-b'],
      consumers: ['component:default/svc-c'],
      partitions: 6,
      files: [a, b],
    });
  });

  it('rejects a table declared twice, naming both files', async () => {
    const a = write(
      'a.yaml',
      'tables:\n  - { table: ledger.transactions, owner: svc-ledger }\n',
    );
    const b = write(
      'b.yaml',
      'tables:\n  - { table: ledger.transactions, owner: svc-wallet }\n',
    );
    await expect(readDeclaredTables([a, b])).rejects.toThrow(
      `${b}: table ledger.transactions is already declared in ${a}`,
    );
  });

  it('says which file and key is wrong', async () => {
    const bad = write('bad.yaml', 'tables:\n  - { table: transactions }\n');
    await expect(readDeclaredTables([bad])).rejects.toThrow(
      `${bad}: tables.0.table: write schema.table`,
    );
    const typo = write(
      'typo.yaml',
      'topics:\n  - { name: t.v1, prodcer: svc-a }\n',
    );
    await expect(readDeclaredTopics([typo])).rejects.toThrow(
      /typo\.yaml: topics\.0/,
    );
    await expect(
      readDeclaredTables([path.join(dir, 'missing.yaml')]),
    ).rejects.toThrow(/Cannot read .*missing\.yaml/);
  });
});
