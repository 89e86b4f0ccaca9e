import { AuthService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_KAFKA_CONSUMER_GROUPS,
  ANNOTATION_KAFKA_TOPIC,
  DATABASE_TABLE_TYPE,
  KAFKA_TOPIC_TYPE,
} from '@internal/plugin-data-ownership-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { toEntityRef } from '../lib/refs';

/** A component the catalog was asked about and did not know. */
export const UNKNOWN = Symbol('unknown component');

/** Processing must not hang on a catalog that does not answer. */
const TIMEOUT_MS = 10_000;

/**
 * Limits of the owners learned while processing: a catalog with a great
 * many components (or a stream of renamed ones) must not grow it without
 * end. Past either limit the least recently learned go first; they are
 * then asked of the catalog, as before they were learned.
 */
export const MAX_LEARNED_ENTRIES = 10_000;
export const MAX_LEARNED_BYTES = 2 * 1024 * 1024;

/** Bytes an entry holds: its key and owner as UTF-16 strings, and the record. */
const learnedSize = (ref: string, owner: string) =>
  2 * (ref.length + owner.length) + 48;

/**
 * Owners by component, bounded by entries and bytes, each kept `ttlMs`;
 * a Map in insertion order, refreshed on write, so the oldest go first.
 * (This package does not depend on @internal/backend-helpers' BoundedCache.)
 */
class LearnedOwners {
  private readonly entries = new Map<string, { owner: string; at: number }>();
  private held = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = MAX_LEARNED_ENTRIES,
    private readonly maxBytes = MAX_LEARNED_BYTES,
  ) {}

  get(ref: string): string | undefined {
    const entry = this.entries.get(ref);
    if (!entry) return undefined;
    if (Date.now() - entry.at >= this.ttlMs) {
      this.delete(ref);
      return undefined;
    }
    return entry.owner;
  }

  set(ref: string, owner: string) {
    const size = learnedSize(ref, owner);
    this.delete(ref);
    if (size > this.maxBytes) return;
    this.entries.set(ref, { owner, at: Date.now() });
    this.held += size;
    while (this.entries.size > this.maxEntries || this.held > this.maxBytes) {
      this.delete(this.entries.keys().next().value!);
    }
  }

  get size() {
    return this.entries.size;
  }

  get bytes() {
    return this.held;
  }

  private delete(ref: string) {
    const entry = this.entries.get(ref);
    if (!entry) return;
    this.entries.delete(ref);
    this.held -= learnedSize(ref, entry.owner);
  }
}

async function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: no answer within ${TIMEOUT_MS} ms`)),
          TIMEOUT_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One catalog query's answer, kept `ttlMs` and then asked again; one query
 * at a time however many entities are being processed.
 */
class QueriedIndex<T> {
  private value?: { at: number; data: T };
  private loading?: Promise<T>;

  constructor(
    private readonly query: () => Promise<T>,
    private readonly ttlMs: number,
  ) {}

  /** Milliseconds since the answer was read; Infinity before the first. */
  age(): number {
    return this.value ? Date.now() - this.value.at : Infinity;
  }

  /** The answer in hand, if any (never queries). */
  peek(): T | undefined {
    return this.value?.data;
  }

  async get(force = false): Promise<T> {
    if (!force && this.value && this.age() < this.ttlMs) {
      return this.value.data;
    }
    this.loading ??= this.query()
      .then(data => {
        this.value = { at: Date.now(), data };
        return data;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}

type ComponentIndex = {
  owners: Map<string, string>;
  /** Consumer group id → the components that claim it (by name or annotation). */
  groups: Map<string, string[]>;
};

/** Resource ref → the entity if it is a table (kind, name, type, labels and annotations), null if another resource. */
type ResourceIndex = Map<string, Entity | null>;

/**
 * What the rules processor needs to know about other entities, asked of the
 * catalog with the catalog's own service credentials. Two small queries,
 * each kept for `ttlMs`: the components (owners, consumer groups) and the
 * resources (which are tables, and whose), so that processing thousands of
 * entities costs a request now and then, not one each (at 10,000 entities
 * one request per component made ingestion a fifth slower). A ref not
 * found triggers a new query at most every `minRefreshMs` (it may just have
 * been registered).
 */
export class CatalogLookup {
  /**
   * The catalog's answers, replaced as a whole every `ttlMs`: as big as the
   * catalog's lists of components and resources (a short ref and owner
   * each; annotations for tables), not caches that grow with what is
   * processed.
   */
  private readonly components: QueriedIndex<ComponentIndex>;
  private readonly resources: QueriedIndex<ResourceIndex>;
  /**
   * Owners seen while processing components, before the catalog serves
   * them; bounded by entries and bytes.
   */
  private readonly learned: LearnedOwners;

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    ttlMs: number,
    private readonly minRefreshMs = 5_000,
  ) {
    this.learned = new LearnedOwners(ttlMs);
    this.components = new QueriedIndex(() => this.queryComponents(), ttlMs);
    this.resources = new QueriedIndex(() => this.queryResources(), ttlMs);
  }

  /**
   * The owner of a component as a full reference, UNKNOWN if the catalog has
   * no such component. Throws when the catalog cannot be asked.
   */
  async ownerOf(componentRef: string): Promise<string | typeof UNKNOWN> {
    const ref = componentRef.toLocaleLowerCase('en-US');
    let { owners } = await this.components.get();
    if (
      !owners.has(ref) &&
      !this.recent(ref) &&
      this.components.age() >= this.minRefreshMs
    ) {
      ({ owners } = await this.components.get(true));
    }
    return owners.get(ref) ?? this.recent(ref) ?? UNKNOWN;
  }

  /**
   * The components that claim a Kafka consumer group, as full references: a
   * component claims the group named like it (`svc-analytics`) and the
   * groups listed in its `local-plus.io/kafka-consumer-groups` annotation.
   * Throws when the catalog cannot be asked.
   */
  async claimantsOf(groupId: string): Promise<string[]> {
    const key = groupId.toLocaleLowerCase('en-US');
    let { groups } = await this.components.get();
    if (!groups.has(key) && this.components.age() >= this.minRefreshMs) {
      ({ groups } = await this.components.get(true));
    }
    return groups.get(key) ?? [];
  }

  /**
   * The Kafka topics declared by catalog entities that are not the data
   * provider's (`ownLocation` says which are): a generated service declares
   * its topic in its own catalog-info.yaml.
   */
  async kafkaTopicsDeclaredElsewhere(
    ownLocation: (ref: string) => boolean,
  ): Promise<string[]> {
    const { items } = await withTimeout(
      'catalog getEntities',
      this.catalog.getEntities(
        {
          filter: { kind: 'Resource', 'spec.type': KAFKA_TOPIC_TYPE },
          fields: ['kind', 'metadata.name', 'metadata.annotations'],
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      ),
    );
    return items
      .filter(
        e => !ownLocation(e.metadata.annotations?.[ANNOTATION_LOCATION] ?? ''),
      )
      .map(
        e =>
          e.metadata.annotations?.[ANNOTATION_KAFKA_TOPIC] ?? e.metadata.name,
      );
  }

  /**
   * Records a component's owner as the processor sees it. True when it is
   * news (a component not known yet, or a new owner): the tables and topics
   * it owns or produces should then be processed again.
   */
  learn(componentRef: string, owner: string): boolean {
    const ref = componentRef.toLocaleLowerCase('en-US');
    const known = this.recent(ref) ?? this.components.peek()?.owners.get(ref);
    this.learned.set(ref, owner);
    return known !== owner;
  }

  private recent(ref: string): string | undefined {
    return this.learned.get(ref);
  }

  /**
   * The tables among the given resource refs (kind, name, type, labels and
   * annotations only); other resources and missing ones left out.
   */
  async tables(resourceRefs: string[]): Promise<Entity[]> {
    if (resourceRefs.length === 0) return [];
    const refs = resourceRefs.map(r => r.toLocaleLowerCase('en-US'));
    let index = await this.resources.get();
    if (
      refs.some(r => !index.has(r)) &&
      this.resources.age() >= this.minRefreshMs
    ) {
      index = await this.resources.get(true);
    }
    return refs.flatMap(r => index.get(r) ?? []);
  }

  private async queryComponents(): Promise<ComponentIndex> {
    const { items } = await withTimeout(
      'catalog getEntities',
      this.catalog.getEntities(
        {
          filter: { kind: 'Component' },
          fields: [
            'kind',
            'metadata.namespace',
            'metadata.name',
            'spec.owner',
            // For local-plus.io/kafka-consumer-groups (an annotation key
            // holds dots, which a field path cannot name).
            'metadata.annotations',
          ],
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      ),
    );
    const owners = new Map<string, string>();
    const groups = new Map<string, string[]>();
    const claim = (group: string, ref: string) => {
      const key = group.toLocaleLowerCase('en-US');
      const refs = groups.get(key) ?? [];
      if (!refs.includes(ref)) groups.set(key, [...refs, ref]);
    };
    for (const c of items) {
      const self = stringifyEntityRef(c).toLocaleLowerCase('en-US');
      claim(c.metadata.name, self);
      for (const group of (
        c.metadata.annotations?.[ANNOTATION_KAFKA_CONSUMER_GROUPS] ?? ''
      ).split(',')) {
        if (group.trim()) claim(group.trim(), self);
      }
      const owner =
        typeof c.spec?.owner === 'string'
          ? toEntityRef(
              c.spec.owner,
              'group',
              c.metadata.namespace ?? 'default',
            )
          : undefined;
      if (owner) owners.set(self, owner);
    }
    return { owners, groups };
  }

  private async queryResources(): Promise<ResourceIndex> {
    const { items } = await withTimeout(
      'catalog getEntities',
      this.catalog.getEntities(
        {
          filter: { kind: 'Resource' },
          fields: [
            'kind',
            'metadata.namespace',
            'metadata.name',
            'metadata.annotations',
            'metadata.labels',
            'spec.type',
          ],
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      ),
    );
    const index: ResourceIndex = new Map();
    for (const r of items) {
      index.set(
        stringifyEntityRef(r).toLocaleLowerCase('en-US'),
        r.spec?.type === DATABASE_TABLE_TYPE ? r : null,
      );
    }
    return index;
  }
}
