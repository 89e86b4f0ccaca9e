import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { isDependencyError } from '@internal/backend-helpers';
import {
  SLO_SERVICE_ANNOTATION,
  SLO_SPEC_ANNOTATION,
  SloBudgetHistory,
  SloList,
  SloServerError,
  SloSpecProblem,
  SloStatus,
  SloWithEntity,
} from '@internal/plugin-slo-common';
import { isServiceName, SloReader } from './SloReader';
import { SpecEvaluator, SpecSloItem } from './SpecEvaluator';
import { SloSpecLoader } from './specs/SloSpecLoader';
import { SloSpecError } from './specs/SloSpec';
import { SourceErrors } from './sourceErrors';

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
      /** How a source that failed is reported beside the other's SLOs. */
      errors?: SourceErrors;
    },
  ) {}

  private get errors() {
    return this.deps.errors ?? new SourceErrors();
  }

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
      this.deps.reader.read([...entityOfService.keys()]).then(r => ({
        values: r.slos.map(s => ({
          ...s,
          entityRef: entityOfService.get(s.service),
        })),
        errors: r.errors,
        queries: r.queries,
      })),
      this.deps.evaluator.evaluate(items),
    ]);
    const merged = mergeSources<SloWithEntity>(
      items,
      specs,
      recorded,
      this.errors,
    );
    return {
      slos: merged.values.sort(byUrgency),
      errors: merged.errors,
      specProblems: [...problems, ...merged.problems],
      queries: merged.queries,
    };
  }

  /** The budget of each SLO of the entity over its window, hour by hour. */
  async history(entity: Entity): Promise<SloBudgetHistory> {
    const { items, problems } = await this.specItems([entity]);
    const [recorded, specs] = await Promise.allSettled([
      this.deps.reader.history(sloServiceOf(entity)).then(r => ({
        values: r.series,
        errors: r.errors,
        queries: r.queries,
      })),
      this.deps.evaluator.history(items),
    ]);
    const merged = mergeSources<SloBudgetHistory['series'][number]>(
      items,
      specs,
      recorded,
      this.errors,
    );
    return {
      series: merged.values,
      errors: merged.errors,
      specProblems: [...problems, ...merged.problems],
      queries: merged.queries,
    };
  }
}

type Answer<T> = { values: T[]; errors: SloServerError[]; queries: number };
type Evaluated<T> = {
  results: T[];
  errors: SloServerError[];
  problems: SloSpecProblem[];
  queries: number;
};

/**
 * One answer from both sources: the SLOs the spec files declare, evaluated,
 * then the recorded ones no spec declares (the spec wins: it is what the
 * team declared). One source down is reported beside what the other
 * answered; everything down is one clear error rather than an empty, calm
 * answer.
 */
function mergeSources<T extends { service: string; slo: string }>(
  items: SpecSloItem[],
  specs: PromiseSettledResult<Evaluated<T>>,
  recorded: PromiseSettledResult<Answer<T>>,
  reporter: SourceErrors,
): Answer<T> & { problems: SloSpecProblem[] } {
  // The specs gave nothing either: refused, none declared, or every query
  // of theirs failed (the evaluator reports those rather than rejecting,
  // depending on which request timed out first).
  const specsGaveNothing =
    specs.status === 'rejected' ||
    items.length === 0 ||
    (specs.value.results.length === 0 && specs.value.errors.length > 0);
  if (recorded.status === 'rejected' && specsGaveNothing) {
    throw recorded.reason;
  }
  const declared = new Set(items.map(i => keyOf(i.slo)));
  const values: T[] = [];
  const errors: SloServerError[] = [];
  const problems: SloSpecProblem[] = [];
  let queries = 0;
  if (specs.status === 'fulfilled') {
    values.push(...specs.value.results);
    errors.push(...specs.value.errors);
    problems.push(...specs.value.problems);
    queries += specs.value.queries;
  } else {
    errors.push(...outage(specs.reason, reporter));
  }
  if (recorded.status === 'fulfilled') {
    values.push(...recorded.value.values.filter(v => !declared.has(keyOf(v))));
    queries += recorded.value.queries;
    for (const e of recorded.value.errors) {
      if (!errors.some(x => x.server === e.server)) errors.push(e);
    }
  } else {
    for (const e of outage(recorded.reason, reporter)) {
      if (!errors.some(x => x.message === e.message)) errors.push(e);
    }
  }
  return { values, errors, problems, queries };
}

/**
 * An error that is an outage is shown as such, in the words an error answer
 * would have (no address in production); any other is a bug.
 */
function outage(error: unknown, reporter: SourceErrors): SloServerError[] {
  if (isDependencyError(error) || error instanceof ServiceUnavailableError) {
    return [reporter.serverError('prometheus', error)];
  }
  throw error;
}
