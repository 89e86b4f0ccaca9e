import {
  CHECKS,
  CheckId,
  CheckResult,
  levelOf,
  LEVELS,
  Level,
  LevelOrNone,
} from '@internal/plugin-scorecards-common';
import { Engine, Rule, TopLevelCondition } from 'json-rules-engine';
import { ServiceFacts } from './facts';

/**
 * The numbers the rules compare, derived from a service's facts. Rules stay
 * plain thresholds (json-rules-engine conditions, as Tech Insights writes
 * them); what each number means is decided here, once.
 */
export function measuresOf(f: ServiceFacts): Record<string, number> {
  return {
    ownerExists: f.owner.exists ? 1 : 0,
    onCallPeople: f.owner.onCallPeople,
    techdocsAnnotated: f.techdocs.ok && f.techdocs.annotated ? 1 : 0,
    techdocsBuilt: f.techdocs.ok && f.techdocs.site === 'built' ? 1 : 0,
    apisProvided: f.apis.provided.length,
    apisWithoutDefinition: f.apis.withoutDefinition.length,
    availabilitySlos: f.slos.ok ? f.slos.availability.length : 0,
    latencySlos: f.slos.ok ? f.slos.latency.length : 0,
    measuredSlos: f.slos.ok
      ? f.slos.availability.length +
        f.slos.latency.length -
        f.slos.unmeasured.length
      : 0,
    exhaustedSlos: f.slos.ok ? f.slos.exhausted.length : 0,
    alerts: f.runbooks.ok ? f.runbooks.alerts.length : 0,
    uncoveredAlerts: f.runbooks.ok ? f.runbooks.uncovered.length : 0,
    staleRunbooks: f.runbooks.ok ? f.runbooks.stale.length : 0,
    kyvernoResults: f.kyverno.ok ? f.kyverno.results : 0,
    kyvernoCriticalOrHigh: f.kyverno.ok ? f.kyverno.criticalOrHigh : 0,
    dataFindings: f.dataOwnership.findings.length,
    deadLettersDeclared: f.deadLetters.ok && f.deadLetters.declared ? 1 : 0,
    criticalDeadLetters: f.deadLetters.ok ? f.deadLetters.critical : 0,
    goldenPathGenerated: f.goldenPath.ok && f.goldenPath.version ? 1 : 0,
    goldenPathBehind: f.goldenPath.ok ? f.goldenPath.behind : 0,
  };
}

const atLeast = (fact: string, value: number) => ({
  fact,
  operator: 'greaterThanInclusive',
  value,
});
const none = (fact: string) => ({ fact, operator: 'equal', value: 0 });

/** Each check: the facts it needs (unknown when one is unavailable) and its rule. */
export const RULES: Record<
  CheckId,
  { needs: (keyof ServiceFacts)[]; conditions: TopLevelCondition }
> = {
  'owner-on-call': {
    needs: ['owner'],
    conditions: {
      all: [atLeast('ownerExists', 1), atLeast('onCallPeople', 1)],
    },
  },
  techdocs: {
    needs: ['techdocs'],
    conditions: {
      all: [atLeast('techdocsAnnotated', 1), atLeast('techdocsBuilt', 1)],
    },
  },
  'api-definitions': {
    needs: ['apis'],
    conditions: {
      all: [atLeast('apisProvided', 1), none('apisWithoutDefinition')],
    },
  },
  'slos-defined': {
    needs: ['slos'],
    conditions: {
      all: [atLeast('availabilitySlos', 1), atLeast('latencySlos', 1)],
    },
  },
  runbooks: {
    needs: ['runbooks'],
    conditions: {
      all: [
        atLeast('alerts', 1),
        none('uncoveredAlerts'),
        none('staleRunbooks'),
      ],
    },
  },
  kyverno: {
    needs: ['kyverno'],
    conditions: {
      all: [atLeast('kyvernoResults', 1), none('kyvernoCriticalOrHigh')],
    },
  },
  'data-ownership': {
    needs: ['dataOwnership'],
    conditions: { all: [none('dataFindings')] },
  },
  'error-budget': {
    needs: ['slos'],
    conditions: { all: [atLeast('measuredSlos', 1), none('exhaustedSlos')] },
  },
  'dead-letters': {
    needs: ['deadLetters'],
    conditions: {
      all: [atLeast('deadLettersDeclared', 1), none('criticalDeadLetters')],
    },
  },
  'golden-path-release': {
    needs: ['goldenPath'],
    conditions: {
      all: [atLeast('goldenPathGenerated', 1), none('goldenPathBehind')],
    },
  },
};

const list = (items: string[], max = 3) =>
  items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

/** Why a check passed or failed, in words a team can act on. */
export function detailOf(
  id: CheckId,
  f: ServiceFacts,
  passed: boolean,
): string {
  switch (id) {
    case 'owner-on-call':
      if (!f.owner.ref) return 'The service names no owner (spec.owner).';
      if (!f.owner.exists)
        return `The owner ${f.owner.ref} is not a group in the catalog.`;
      if (!passed)
        return `${f.owner.ref} names no on-call rotation with someone on it (annotation local-plus.io/oncall-rotation).`;
      return `${f.owner.ref}, on call through ${f.owner.rotation} (${f.owner.onCallPeople} people).`;
    case 'techdocs':
      if (!f.techdocs.ok) return f.techdocs.error;
      if (!f.techdocs.annotated)
        return 'No TechDocs: add backstage.io/techdocs-ref to catalog-info.yaml and a docs/ folder with mkdocs.yml.';
      if (f.techdocs.site === 'failed')
        return `The TechDocs build fails: ${
          f.techdocs.error ?? 'see the Docs tab'
        }.`;
      if (f.techdocs.site !== 'built')
        return 'No TechDocs site is published yet: publish it from CI (techdocs-cli) or open the Docs tab once.';
      return f.techdocs.builtAt
        ? `Published, built ${f.techdocs.builtAt.slice(0, 10)}.`
        : 'Published.';
    case 'api-definitions':
      if (f.apis.provided.length === 0)
        return 'The service provides no API in the catalog (spec.providesApis).';
      if (f.apis.withoutDefinition.length > 0)
        return `No definition for ${list(f.apis.withoutDefinition)}.`;
      return `${list(f.apis.provided)}, each with a definition.`;
    case 'slos-defined': {
      if (!f.slos.ok) return f.slos.error;
      const missing = [
        f.slos.availability.length ? undefined : 'an availability SLO',
        f.slos.latency.length ? undefined : 'a latency SLO',
      ].filter(Boolean) as string[];
      const problems = f.slos.problems.length
        ? ` The SLO spec has problems: ${list(f.slos.problems, 2)}.`
        : '';
      return missing.length
        ? `Missing ${missing.join(' and ')}.${problems}`
        : `Availability: ${list(f.slos.availability)}; latency: ${list(
            f.slos.latency,
          )}.${problems}`;
    }
    case 'runbooks':
      if (!f.runbooks.ok) return f.runbooks.error;
      if (f.runbooks.alerts.length === 0)
        return 'Prometheus has no alerting rule for this service (label service or sloth_service): deploy its PrometheusRule.';
      if (!passed) {
        const parts = [
          f.runbooks.uncovered.length
            ? `no runbook for ${list(f.runbooks.uncovered)}`
            : undefined,
          f.runbooks.stale.length
            ? `not reviewed within 90 days: ${list(f.runbooks.stale)}`
            : undefined,
        ].filter(Boolean);
        return `${parts.join('; ')}.`.replace(/^./, c => c.toUpperCase());
      }
      return `${f.runbooks.alerts.length} alerts, each with a runbook reviewed within 90 days.`;
    case 'kyverno':
      if (!f.kyverno.ok) return f.kyverno.error;
      if (!f.kyverno.snapshot) return 'No policy-report snapshot yet.';
      if (f.kyverno.results === 0)
        return 'No Kyverno result for the service’s resources: it is not deployed, or its catalog entry lacks backstage.io/kubernetes-label-selector.';
      if (f.kyverno.criticalOrHigh > 0)
        return `${
          f.kyverno.criticalOrHigh
        } critical or high results fail: ${list(f.kyverno.policies)}.`;
      return `${f.kyverno.results} results, none critical or high failing.`;
    case 'data-ownership':
      return f.dataOwnership.findings.length
        ? `${f.dataOwnership.findings.length} findings: ${list(
            f.dataOwnership.findings.map(x => `${x.entityRef} (${x.rule})`),
            2,
          )}.`
        : 'No finding on the service, its tables or its topics.';
    case 'error-budget':
      if (!f.slos.ok) return f.slos.error;
      if (f.slos.exhausted.length)
        return `Budget exhausted: ${list(f.slos.exhausted)}.`;
      if (!passed) return 'No SLO with a measured budget yet.';
      return 'Every SLO has budget left.';
    case 'dead-letters':
      if (!f.deadLetters.ok) return f.deadLetters.error;
      if (!f.deadLetters.declared)
        return 'The service declares no dead-letter source (annotation local-plus.io/dead-letters).';
      return f.deadLetters.critical
        ? `${f.deadLetters.critical} dead letters on critical: see the Dead letters tab and its runbook.`
        : 'No dead letter on critical.';
    case 'golden-path-release':
      if (!f.goldenPath.ok) return f.goldenPath.error;
      if (!f.goldenPath.version)
        return 'Not generated from the golden path (no local-plus.io/template): nothing to keep it up to date.';
      return f.goldenPath.behind
        ? `At ${f.goldenPath.version}, ${f.goldenPath.behind} release${
            f.goldenPath.behind > 1 ? 's' : ''
          } behind ${f.goldenPath.current}: see the Upgrade tab.`
        : `At ${f.goldenPath.version}, the newest release.`;
    default:
      return '';
  }
}

export interface Evaluation {
  level: LevelOrNone;
  next?: { level: Level; blocking: CheckId[] };
  checks: CheckResult[];
}

/**
 * Runs every check on one service's facts with json-rules-engine: one
 * engine, built once, holds a rule per check; a check whose source was down
 * is unknown without running.
 */
export class CheckEvaluator {
  private readonly engine: Engine;

  constructor() {
    this.engine = new Engine([], { allowUndefinedFacts: false });
    for (const check of CHECKS) {
      this.engine.addRule(
        new Rule({
          name: check.id,
          conditions: RULES[check.id].conditions,
          event: { type: 'pass', params: { check: check.id } },
        }),
      );
    }
  }

  async evaluate(facts: ServiceFacts): Promise<Evaluation> {
    const { results } = await this.engine.run(measuresOf(facts));
    const passedIds = new Set(
      results.map(r => r.name as CheckId).filter(Boolean),
    );
    const checks: CheckResult[] = CHECKS.map(check => {
      const down = RULES[check.id].needs
        .map(k => facts[k] as { ok?: boolean; error?: string })
        .find(v => v.ok === false);
      if (down)
        return { id: check.id, outcome: 'unknown', detail: down.error! };
      const passed = passedIds.has(check.id);
      return {
        id: check.id,
        outcome: passed ? 'pass' : 'fail',
        detail: detailOf(check.id, facts, passed),
      };
    });
    const passed = new Set(
      checks.filter(c => c.outcome === 'pass').map(c => c.id),
    );
    const level = levelOf(passed);
    // 'none' is not in LEVELS: indexOf gives -1, so the next is bronze.
    const next: Level | undefined = LEVELS[LEVELS.indexOf(level as Level) + 1];
    return {
      level,
      next: next && {
        level: next,
        blocking: CHECKS.filter(
          c =>
            LEVELS.indexOf(c.level) <= LEVELS.indexOf(next) &&
            !passed.has(c.id),
        ).map(c => c.id),
      },
      checks,
    };
  }
}
