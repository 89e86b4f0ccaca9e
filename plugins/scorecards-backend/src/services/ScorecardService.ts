import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CHECKS,
  CheckRanking,
  CollectionInfo,
  EntityScorecard,
  Rollup,
  RollupDimension,
  ScorecardList,
  Trend,
} from '@internal/plugin-scorecards-common';
import { countsOf } from './counts';
import { FACT_SOURCES, ServiceFacts } from './facts';
import { FactCollector } from './FactCollector';
import { CheckEvaluator } from './rules';
import { CollectedScorecard, ScoreStore } from './ScoreStore';

export type ScorecardFilter = {
  owner?: string;
  system?: string;
  domain?: string;
};

/**
 * Scorecards: a collection reads every service's facts, evaluates the
 * checks and records the result; reads serve the latest collection (per
 * service, filtered, rolled up, ranked) and the trend of all collections.
 */
export class ScorecardService {
  private readonly evaluator = new CheckEvaluator();
  private running?: Promise<CollectionInfo>;

  constructor(
    private readonly options: {
      collector: FactCollector;
      store: ScoreStore;
      logger: LoggerService;
      retentionDays: number;
      detailDays: number;
      now?: () => Date;
    },
  ) {}

  /** One collection at a time in this process: a second caller waits for the first. */
  collect(): Promise<CollectionInfo> {
    if (!this.running) {
      this.running = this.collectOnce().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async collectOnce(): Promise<CollectionInfo> {
    const { collector, store, logger } = this.options;
    const now = this.options.now ?? (() => new Date());
    const started = performance.now();
    const collected = await collector.collect();
    const scorecards: CollectedScorecard[] = [];
    for (const { service, facts } of collected) {
      const evaluation = await this.evaluator.evaluate(facts);
      scorecards.push({
        card: {
          entityRef: service.entityRef,
          title: service.title,
          owner: service.owner,
          system: service.system,
          domain: service.domain,
          ...evaluation,
        },
        facts,
      });
    }
    const info = await store.record({
      finishedAt: now(),
      durationMs: performance.now() - started,
      sourceProblems: sourceProblemsOf(collected.map(c => c.facts)),
      scorecards,
    });
    await store.prune(
      now(),
      this.options.retentionDays,
      this.options.detailDays,
    );
    const problems = info.sourceProblems
      .map(p => `${p.source} (${p.services})`)
      .join(', ');
    logger.info(
      `Scorecards: collection ${info.id} scored ${info.services} services in ${
        info.durationMs
      } ms${problems ? `; sources with problems: ${problems}` : ''}`,
    );
    return info;
  }

  async forEntity(entityRef: string): Promise<EntityScorecard | undefined> {
    const latest = await this.options.store.latest();
    return latest?.cards.find(c => c.entityRef === entityRef);
  }

  async list(filter: ScorecardFilter): Promise<ScorecardList> {
    const latest = await this.options.store.latest();
    if (!latest) return { services: [] };
    // Entity refs compare case-insensitively, as the catalog does.
    const same = (a: string | undefined, b: string | undefined) =>
      !b || a?.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
    return {
      collection: latest.collection,
      services: latest.cards.filter(
        c =>
          same(c.owner, filter.owner) &&
          same(c.system, filter.system) &&
          same(c.domain, filter.domain),
      ),
    };
  }

  async rollup(by: RollupDimension): Promise<Rollup> {
    const latest = await this.options.store.latest();
    if (!latest) return { by, rows: [] };
    const groups = new Map<string, EntityScorecard[]>();
    for (const card of latest.cards) {
      const key = card[by] ?? 'none';
      groups.set(key, [...(groups.get(key) ?? []), card]);
    }
    return {
      by,
      collection: latest.collection,
      rows: [...groups.entries()]
        .map(([key, cards]) => ({ key, ...countsOf(cards) }))
        .sort((a, b) => b.services - a.services || a.key.localeCompare(b.key)),
    };
  }

  async ranking(): Promise<CheckRanking> {
    const latest = await this.options.store.latest();
    if (!latest) return { services: 0, checks: [] };
    const checks = CHECKS.map(check => {
      const results = latest.cards.map(card => ({
        card,
        result: card.checks.find(r => r.id === check.id),
      }));
      return {
        id: check.id,
        failing: results.filter(r => r.result?.outcome === 'fail').length,
        unknown: results.filter(r => r.result?.outcome === 'unknown').length,
        failingServices: results
          .filter(r => r.result?.outcome === 'fail')
          .map(r => r.card.entityRef)
          .sort(),
      };
    });
    // Most failing first; ties in the order of the levels (bronze first).
    checks.sort((a, b) => b.failing - a.failing || b.unknown - a.unknown);
    return {
      collection: latest.collection,
      services: latest.cards.length,
      checks,
    };
  }

  async trend(days: number): Promise<Trend> {
    const now = (this.options.now ?? (() => new Date()))();
    const since = new Date(now.getTime() - days * 24 * 3600 * 1000);
    return {
      points: await this.options.store.trend(since),
      retentionDays: this.options.retentionDays,
    };
  }
}

/** Sources that failed for at least one service, with one message as example. */
function sourceProblemsOf(
  all: ServiceFacts[],
): CollectionInfo['sourceProblems'] {
  const problems = new Map<string, { services: number; example: string }>();
  for (const facts of all) {
    const seen = new Set<string>();
    for (const [key, value] of Object.entries(facts)) {
      const fact = value as { ok?: boolean; error?: string };
      if (fact.ok !== false) continue;
      const source = FACT_SOURCES[key as keyof ServiceFacts];
      if (seen.has(source)) continue;
      seen.add(source);
      const entry = problems.get(source) ?? {
        services: 0,
        example: fact.error!,
      };
      entry.services += 1;
      problems.set(source, entry);
    }
  }
  return [...problems.entries()].map(([source, p]) => ({ source, ...p }));
}
