import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_KAFKA_PRODUCER_PATTERN,
  ANNOTATION_KAFKA_TOPIC,
  readFindings,
  readTopicSpec,
} from '@internal/plugin-data-ownership-common';
import { FindingAlerts, RefList } from '../format';

/**
 * Both sides of a Kafka topic: who produces it (one service, seed VIII.4)
 * and who consumes it, with its partitions, retention and schema.
 */
export function EntityTopicCard() {
  const { entity } = useEntity();
  const spec = readTopicSpec(entity);
  const annotations = entity.metadata.annotations ?? {};
  return (
    <div data-testid="topic-card">
      <InfoCard title="Producers and consumers">
        <FindingAlerts findings={readFindings(entity)} />
        <StructuredMetadataTable
          metadata={{
            Topic: annotations[ANNOTATION_KAFKA_TOPIC] ?? entity.metadata.name,
            [spec.producers.length > 1 ? 'Producers' : 'Producer']: (
              <RefList refs={spec.producers} />
            ),
            'Producer pattern':
              annotations[ANNOTATION_KAFKA_PRODUCER_PATTERN] ?? '—',
            Consumers: <RefList refs={spec.consumers} />,
            Partitions: spec.partitions ?? 'not declared',
            Retention: spec.retention ?? '—',
            Schema: spec.schema ?? '—',
          }}
        />
      </InfoCard>
    </div>
  );
}
