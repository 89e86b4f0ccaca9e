import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  CollectionInfo,
  EntityScorecard,
  ScoreCounts,
  TrendPoint,
} from '@internal/plugin-scorecards-common';
import { Knex } from 'knex';
import { countsOf } from './counts';
import { ServiceFacts } from './facts';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-scorecards-backend',
  'migrations',
);

type CollectionRow = {
  id: number;
  finished_at: string;
  services: number;
  duration_ms: number;
  source_problems: string;
  counts: string;
};

type ResultRow = {
  collection_id: number;
  entity_ref: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  domain: string | null;
  level: string;
  checks: string;
  facts: string;
};

/** What a collection gives the store: each service's card and facts. */
export type CollectedScorecard = {
  card: Omit<EntityScorecard, 'collectedAt'>;
  facts: ServiceFacts;
};

/** The latest collection, read once per collection and then served from memory. */
export type LatestCollection = {
  collection: CollectionInfo;
  cards: EntityScorecard[];
};

const CHUNK = 200;

function toInfo(row: CollectionRow): CollectionInfo {
  return {
    id: Number(row.id),
    at: row.finished_at,
    services: Number(row.services),
    durationMs: Number(row.duration_ms),
    sourceProblems: JSON.parse(row.source_problems),
  };
}

/**
 * Collections in the plugin's database (knex migrations in `migrations/`).
 * A collection is written in one transaction, so readers (and other
 * replicas) see all of it or none of it.
 */
export class ScoreStore {
  private cached?: LatestCollection;

  static async create(database: DatabaseService): Promise<ScoreStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new ScoreStore(knex);
  }

  constructor(private readonly knex: Knex) {}

  async record(options: {
    finishedAt: Date;
    durationMs: number;
    sourceProblems: CollectionInfo['sourceProblems'];
    scorecards: CollectedScorecard[];
  }): Promise<CollectionInfo> {
    const at = options.finishedAt.toISOString();
    const cards = options.scorecards.map(s => ({ ...s.card, collectedAt: at }));
    const counts: ScoreCounts = countsOf(cards);
    return this.knex.transaction(async trx => {
      const [inserted] = await trx('scorecard_collections')
        .insert({
          finished_at: at,
          services: cards.length,
          duration_ms: Math.round(options.durationMs),
          source_problems: JSON.stringify(options.sourceProblems),
          counts: JSON.stringify(counts),
        })
        .returning('id');
      const id = Number(typeof inserted === 'object' ? inserted.id : inserted);
      const rows: ResultRow[] = options.scorecards.map(({ card, facts }) => ({
        collection_id: id,
        entity_ref: card.entityRef,
        title: card.title ?? null,
        owner: card.owner ?? null,
        system: card.system ?? null,
        domain: card.domain ?? null,
        level: card.level,
        checks: JSON.stringify({ checks: card.checks, next: card.next }),
        facts: JSON.stringify(facts),
      }));
      for (let i = 0; i < rows.length; i += CHUNK) {
        await trx('scorecard_results').insert(rows.slice(i, i + CHUNK));
      }
      return {
        id,
        at,
        services: cards.length,
        durationMs: Math.round(options.durationMs),
        sourceProblems: options.sourceProblems,
      };
    });
  }

  /**
   * The latest collection's scorecards. One small query per call finds its
   * id; the rows are read again only when a newer collection exists (taken
   * here or by another replica).
   */
  async latest(): Promise<LatestCollection | undefined> {
    const row: CollectionRow | undefined = await this.knex(
      'scorecard_collections',
    )
      .orderBy('id', 'desc')
      .first();
    if (!row) return undefined;
    if (this.cached?.collection.id === Number(row.id)) return this.cached;
    const results: ResultRow[] = await this.knex('scorecard_results')
      .where({ collection_id: row.id })
      .orderBy('entity_ref');
    const latest = {
      collection: toInfo(row),
      cards: results.map(r => {
        const { checks, next } = JSON.parse(r.checks);
        return {
          entityRef: r.entity_ref,
          title: r.title ?? undefined,
          owner: r.owner ?? undefined,
          system: r.system ?? undefined,
          domain: r.domain ?? undefined,
          level: r.level as EntityScorecard['level'],
          next,
          checks,
          collectedAt: row.finished_at,
        };
      }),
    };
    this.cached = latest;
    return latest;
  }

  /** The facts a service's latest result came from. */
  async factsOf(
    collectionId: number,
    entityRef: string,
  ): Promise<ServiceFacts | undefined> {
    const row = await this.knex('scorecard_results')
      .where({ collection_id: collectionId, entity_ref: entityRef })
      .first('facts');
    return row ? JSON.parse(row.facts) : undefined;
  }

  /** Counts of every collection since `since`, oldest first. */
  async trend(since: Date): Promise<TrendPoint[]> {
    const rows: CollectionRow[] = await this.knex('scorecard_collections')
      .where('finished_at', '>=', since.toISOString())
      .orderBy('id', 'asc');
    return rows.map(r => ({ at: r.finished_at, ...JSON.parse(r.counts) }));
  }

  /**
   * Drops collections older than `retentionDays`, and the per-service rows
   * of collections older than `detailDays` (never the latest collection's).
   */
  async prune(now: Date, retentionDays: number, detailDays: number) {
    const day = 24 * 3600 * 1000;
    const latest = await this.knex('scorecard_collections')
      .max('id as id')
      .first();
    const keep = Number(latest?.id ?? 0);
    await this.knex.transaction(async trx => {
      const old = trx('scorecard_collections')
        .where(
          'finished_at',
          '<',
          new Date(now.getTime() - retentionDays * day).toISOString(),
        )
        .whereNot('id', keep)
        .select('id');
      await trx('scorecard_results').whereIn('collection_id', old).delete();
      await trx('scorecard_collections')
        .where(
          'finished_at',
          '<',
          new Date(now.getTime() - retentionDays * day).toISOString(),
        )
        .whereNot('id', keep)
        .delete();
      const detailed = trx('scorecard_collections')
        .where(
          'finished_at',
          '<',
          new Date(now.getTime() - detailDays * day).toISOString(),
        )
        .whereNot('id', keep)
        .select('id');
      await trx('scorecard_results')
        .whereIn('collection_id', detailed)
        .delete();
    });
  }
}
