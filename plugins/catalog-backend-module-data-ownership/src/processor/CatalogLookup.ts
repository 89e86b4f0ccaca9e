import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { toEntityRef } from '../lib/refs';

/** A component the catalog was asked about and did not know. */
export const UNKNOWN = Symbol('unknown component');

/** Processing must not hang on a catalog that does not answer. */
const TIMEOUT_MS = 10_000;

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
 * What the rules processor needs to know about other entities, asked of the
 * catalog with the catalog's own service credentials. The component owners
 * are one small query, kept for `ttlMs` so that processing thousands of
 * tables costs one request, not one each; a component not found triggers a
 * new query at most every few seconds (it may just have been registered).
 */
export class CatalogLookup {
  private index?: { at: number; owners: Map<string, string> };
  private loading?: Promise<Map<string, string>>;
  /** Owners seen while processing components, before the catalog serves them. */
  private readonly learned = new Map<string, { owner: string; at: number }>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly ttlMs: number,
    private readonly minRefreshMs = 5_000,
  ) {}

  /**
   * The owner of a component as a full reference, UNKNOWN if the catalog has
   * no such component. Throws when the catalog cannot be asked.
   */
  async ownerOf(componentRef: string): Promise<string | typeof UNKNOWN> {
    const ref = componentRef.toLocaleLowerCase('en-US');
    let owners = await this.owners(false);
    if (
      !owners.has(ref) &&
      !this.recent(ref) &&
      this.age() >= this.minRefreshMs
    ) {
      owners = await this.owners(true);
    }
    return owners.get(ref) ?? this.recent(ref) ?? UNKNOWN;
  }

  /**
   * Records a component's owner as the processor sees it. True when it is
   * news (a component not known yet, or a new owner): the tables and topics
   * it owns or produces should then be processed again.
   */
  learn(componentRef: string, owner: string): boolean {
    const ref = componentRef.toLocaleLowerCase('en-US');
    const known = this.recent(ref) ?? this.index?.owners.get(ref);
    this.learned.set(ref, { owner, at: Date.now() });
    return known !== owner;
  }

  private recent(ref: string): string | undefined {
    const entry = this.learned.get(ref);
    return entry && Date.now() - entry.at < this.ttlMs
      ? entry.owner
      : undefined;
  }

  /** The given entities (kind, name, type and annotations only); missing ones left out. */
  async entities(refs: string[]): Promise<Entity[]> {
    if (refs.length === 0) return [];
    const { items } = await withTimeout(
      'catalog getEntitiesByRefs',
      this.catalog.getEntitiesByRefs(
        {
          entityRefs: refs,
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
    return items.filter((e): e is Entity => Boolean(e));
  }

  private age(): number {
    return this.index ? Date.now() - this.index.at : Infinity;
  }

  private async owners(force: boolean): Promise<Map<string, string>> {
    if (!force && this.index && this.age() < this.ttlMs) {
      return this.index.owners;
    }
    // One query at a time, however many entities are being processed.
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<Map<string, string>> {
    const { items } = await withTimeout(
      'catalog getEntities',
      this.catalog.getEntities(
        {
          filter: { kind: 'Component' },
          fields: ['kind', 'metadata.namespace', 'metadata.name', 'spec.owner'],
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      ),
    );
    const owners = new Map<string, string>();
    for (const c of items) {
      const owner =
        typeof c.spec?.owner === 'string'
          ? toEntityRef(
              c.spec.owner,
              'group',
              c.metadata.namespace ?? 'default',
            )
          : undefined;
      if (owner) {
        owners.set(stringifyEntityRef(c).toLocaleLowerCase('en-US'), owner);
      }
    }
    this.index = { at: Date.now(), owners };
    return owners;
  }
}
