import { Entity } from '@backstage/catalog-model';

/** Catalog entities as the data-ownership catalog module writes them. */
export const table = (
  name: string,
  opts: {
    table: string;
    state: 'owned' | 'unowned' | 'conflict';
    services?: string[];
    owner?: string;
    personal?: boolean;
    card?: boolean;
    findings?: object[];
    columns?: object[];
    live?: boolean;
  },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace: 'default',
    labels: {
      'local-plus.io/data-ownership': opts.state,
      ...(opts.personal ? { 'local-plus.io/personal-data': 'true' } : {}),
      ...(opts.card ? { 'local-plus.io/card-data': 'true' } : {}),
    },
    annotations: {
      'local-plus.io/postgres-table': opts.table,
      'local-plus.io/data-source': opts.live === false ? 'declared' : 'live',
      'local-plus.io/postgres-database': 'aiven-postgresql',
      'local-plus.io/row-estimate': '1234',
      'local-plus.io/total-bytes': '16384',
      'local-plus.io/card-data-sampling': 'sampled',
      ...(opts.services?.length
        ? {
            'local-plus.io/owning-service': opts.services.join(','),
            'local-plus.io/ownership-source': opts.services
              .map(s => `comment:${s}`)
              .join(','),
          }
        : {}),
      ...(opts.findings
        ? { 'local-plus.io/data-findings': JSON.stringify(opts.findings) }
        : {}),
    },
  },
  spec: {
    type: 'database-table',
    owner: opts.owner ?? 'group:default/platform-team',
    ...(opts.columns ? { columns: opts.columns as any } : {}),
  },
});

export const topic = (
  name: string,
  producers: string[],
  consumers: string[],
  findings?: object[],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'local-plus.io/kafka-topic': name,
      'local-plus.io/kafka-retention': '7d',
      ...(findings
        ? { 'local-plus.io/data-findings': JSON.stringify(findings) }
        : {}),
    },
  },
  spec: {
    type: 'kafka-topic',
    owner: 'group:default/product-team',
    producers,
    consumers,
    retention: '7d',
    schema: 'JSON: localplus.ledger.v1.Transaction',
  },
});

export const service = (
  name: string,
  relations: Array<[string, string]> = [],
  findings?: object[],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: findings
      ? { 'local-plus.io/data-findings': JSON.stringify(findings) }
      : {},
  },
  spec: {
    type: 'service',
    owner: 'group:default/product-team',
    lifecycle: 'production',
  },
  relations: relations.map(([type, targetRef]) => ({ type, targetRef })),
});
