import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  SLO_SERVICE_ANNOTATION,
  SLO_SPEC_ANNOTATION,
  SloBudgetHistory,
  SloList,
  SloSpecProblem,
  SloStatus,
  SloWithEntity,
} from '@internal/plugin-slo-common';
import { isServiceName, SloReader } from './SloReader';
import { SpecEvaluator, SpecSloItem } from './SpecEvaluator';
import { SloSpecLoader } from './specs/SloSpecLoader';
import { SloSpecError } from './specs/SloSpec';

/** The service name Sloth knows an entity by. */
export function sloServiceOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[SLO_SERVICE_ANNOTATION] ??
    entity.metadata.name
  );
}

const URGENCY = { page: 0, ticket: 1, ok: 2 } as const;
/** Most urgent first: alert state, then the least budget left. */
export function byUrgency(a: SloStatus, b: SloStatus): number {
  return (
    URGENCY[a.alert] - URGENCY[b.alert] ||
    (a.errorBudget.remainingRatio ?? Infinity) -
      (b.errorBudget.remainingRatio ?? Infinity) ||
    a.service.localeCompare(b.service) ||
    a.slo.localeCompare(b.slo)
  );
}

const keyOf = (s: { service: string; slo: string }) => `${s.service}/${s.slo}`;

/**
 * The SLOs of catalog entities, from both sources: the spec file an entity
 * points to (its SLI queries evaluated by the portal) and Sloth's recording
 * rules found by service name. When both know the same service and SLO, the
 * spec wins: it is what the team declared. A spec that cannot be read or
 * evaluated is reported for its entity; the other SLOs are still answered.
 */
export class SloService {
  constructor(
    private readonly deps: {
      reader: SloReader;
      evaluator: SpecEvaluator;
      loader: SloSpecLoader;
    },
  ) {}

  /** Reads the spec files of the entities that have one. */
  private async specItems(entities: Entity[]) {
    const items: SpecSloItem[] = [];
    const problems: SloSpecProblem[] = [];
    await Promise.all(
      entities
        .filter(e => e.metadata.annotations?.[SLO_SPEC_ANNOTATION])
        .map(async entity => {
          const entityRef = stringifyEntityRef(entity);
          try {
            const spec = await this.deps.loader.load(entity);
            for (const slo of spec.slos) {
              items.push({
                entityRef,
                file: spec.file,
                format: spec.format,
                slo,
              });
            }
          } catch (error) {
            if (!(error instanceof SloSpecError)) throw error;
            problems.push({
              entityRef,
              file: error.file,
              message: error.message,
            });
          }
        }),
    );
    // A stable order, whatever order the files were read in.
    items.sort(
      (a, b) =>
        a.entityRef.localeCompare(b.entityRef) ||
        keyOf(a.slo).localeCompare(keyOf(b.slo)),
    );
    return { items, problems };
  }

  async forEntities(entities: Entity[]): Promise<SloList> {
    const { items, problems } = await this.specItems(entities);
    // A name that cannot be a Sloth service has no rules to find.
    const entityOfService = new Map(
      entities
        .filter(e => isServiceName(sloServiceOf(e)))
        .map(e => [sloServiceOf(e), stringifyEntityRef(e)]),
    );
    const [recorded, specs] = await Promise.allSettled([
      this.deps.reader.read([...entityOfService.keys()]),
      this.deps.evaluator.evaluate(items),
    ]);
    // Everything down: one clear error rather than an empty, calm list.
    if (recorded.status === 'rejected' && specs.status === 'rejected') {
      throw recorded.reason;
    }
    if (recorded.status === 'rejected' && items.length === 0) {
      throw recorded.reason;
    }
    const slos: SloWithEntity[] = [];
    const errors: SloList['errors'] = [];
    let queries = 0;
    const declared = new Set(items.map(i => keyOf(i.slo)));
    if (specs.status === 'fulfilled') {
      slos.push(...specs.value.results);
      errors.push(...specs.value.errors);
      problems.push(...specs.value.problems);
      queries += specs.value.queries;
    } else {
      errors.push(...outage(specs.reason));
    }
    if (recorded.status === 'fulfilled') {
      slos.push(
        ...recorded.value.slos
          .filter(s => !declared.has(keyOf(s)))
          .map(s => ({ ...s, entityRef: entityOfService.get(s.service) })),
      );
      queries += recorded.value.queries;
      for (const e of recorded.value.errors) {
        if (!errors.some(x => x.server === e.server)) errors.push(e);
      }
    } else {
      for (const e of outage(recorded.reason)) {
        if (!errors.some(x => x.message === e.message)) errors.push(e);
      }
    }
    return {
      slos: slos.sort(byUrgency),
      errors,
      specProblems: problems,
      queries,
    };
  }

  /** The budget of each SLO of the entity over its window, hour by hour. */
  async history(entity: Entity): Promise<SloBudgetHistory> {
    const { items, problems } = await this.specItems([entity]);
    const [recorded, specs] = await Promise.allSettled([
      this.deps.reader.history(sloServiceOf(entity)),
      this.deps.evaluator.history(items),
    ]);
    if (
      recorded.status === 'rejected' &&
      (specs.status === 'rejected' || items.length === 0)
    ) {
      throw recorded.reason;
    }
    const declared = new Set(items.map(i => keyOf(i.slo)));
    const series: SloBudgetHistory['series'] = [];
    const errors: SloBudgetHistory['errors'] = [];
    let queries = 0;
    if (specs.status === 'fulfilled') {
      series.push(...specs.value.results);
      errors.push(...specs.value.errors);
      problems.push(...specs.value.problems);
      queries += specs.value.queries;
    } else {
      errors.push(...outage(specs.reason));
    }
    if (recorded.status === 'fulfilled') {
      series.push(
        ...recorded.value.series.filter(s => !declared.has(keyOf(s))),
      );
      queries += recorded.value.queries;
      for (const e of recorded.value.errors) {
        if (!errors.some(x => x.server === e.server)) errors.push(e);
      }
    }
    return { series, errors, specProblems: problems, queries };
  }
}

/** An error that is an outage is shown as such; any other is a bug. */
function outage(error: unknown) {
  if (error instanceof ServiceUnavailableError) {
    return [{ server: 'prometheus', message: error.message }];
  }
  throw error;
}
