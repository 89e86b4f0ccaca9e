import { Entity } from '@backstage/catalog-model';
import {
  readFindings,
  readOwnershipState,
  readOwningServices,
  readTableColumns,
  readTopicSpec,
} from './types';

const entity = (
  extra: Partial<Entity['metadata']>,
  spec: object = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'x', ...extra },
  spec: { type: 'database-table', owner: 'group:default/a', ...spec },
});

describe('readers of data-ownership entities', () => {
  it('reads columns and drops malformed ones', () => {
    const columns = readTableColumns(
      entity(
        {},
        {
          columns: [
            {
              name: 'email',
              type: 'text',
              nullable: false,
              flags: ['personal-data'],
            },
            { name: 'id', type: 'bigint', nullable: false },
            { name: 'bad', flags: ['made-up'] },
          ],
        },
      ),
    );
    expect(columns).toEqual([
      {
        name: 'email',
        type: 'text',
        nullable: false,
        flags: ['personal-data'],
      },
      { name: 'id', type: 'bigint', nullable: false, flags: [] },
    ]);
    expect(readTableColumns(entity({}, { columns: 'nope' }))).toEqual([]);
  });

  it('reads findings, and nothing from an annotation that is not valid JSON', () => {
    const finding = { rule: 'unowned-table', level: 'warning', message: 'm' };
    expect(
      readFindings(
        entity({
          annotations: {
            'local-plus.io/data-findings': JSON.stringify([finding]),
          },
        }),
      ),
    ).toEqual([finding]);
    expect(
      readFindings(
        entity({ annotations: { 'local-plus.io/data-findings': '{oops' } }),
      ),
    ).toEqual([]);
    expect(
      readFindings(
        entity({
          annotations: { 'local-plus.io/data-findings': '[{"rule":"other"}]' },
        }),
      ),
    ).toEqual([]);
  });

  it('reads owning services and the ownership state', () => {
    const e = entity({
      labels: { 'local-plus.io/data-ownership': 'conflict' },
      annotations: {
        'local-plus.io/owning-service':
          'component:default/a, component:default/b',
      },
    });
    expect(readOwningServices(e)).toEqual([
      'component:default/a',
      'component:default/b',
    ]);
    expect(readOwnershipState(e)).toBe('conflict');
    expect(
      readOwnershipState(
        entity({ labels: { 'local-plus.io/data-ownership': 'maybe' } }),
      ),
    ).toBeUndefined();
  });

  it('reads a topic spec', () => {
    expect(
      readTopicSpec(
        entity({}, { type: 'kafka-topic', producers: ['p'], partitions: 3 }),
      ),
    ).toEqual({
      producers: ['p'],
      consumers: [],
      partitions: 3,
    });
    expect(readTopicSpec(entity({}, { partitions: 'many' }))).toEqual({
      producers: [],
      consumers: [],
    });
  });
});
