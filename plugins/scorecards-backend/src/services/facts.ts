/**
 * The facts one collection keeps about a service: what the checks read,
 * stored as JSON beside its results so a result can always be explained.
 * A source that could not be read is `{ ok: false, error }`: its checks are
 * `unknown`, never a silent pass or fail.
 */
export type Unavailable = { ok: false; error: string };

export interface ServiceFacts {
  owner: {
    ref?: string;
    exists: boolean;
    /** The rotation group (the owner itself, or its oncall-rotation annotation). */
    rotation?: string;
    /** People on the rotation: primary set, members listed. */
    onCallPeople: number;
  };
  techdocs:
    | {
        ok: true;
        annotated: boolean;
        /** built: a published site; missing: none and none could be built. */
        site: 'built' | 'missing' | 'failed' | 'not-checked';
        builtAt?: string;
        error?: string;
      }
    | Unavailable;
  apis: { provided: string[]; withoutDefinition: string[] };
  slos:
    | {
        ok: true;
        availability: string[];
        latency: string[];
        exhausted: string[];
        /** SLOs whose budget could not be computed (no data yet). */
        unmeasured: string[];
        problems: string[];
      }
    | Unavailable;
  runbooks:
    | { ok: true; alerts: string[]; uncovered: string[]; stale: string[] }
    | Unavailable;
  kyverno:
    | {
        ok: true;
        snapshot: boolean;
        results: number;
        criticalOrHigh: number;
        policies: string[];
      }
    | Unavailable;
  dataOwnership: {
    findings: { entityRef: string; rule: string; message: string }[];
  };
  deadLetters: { ok: true; declared: boolean; critical: number } | Unavailable;
  /** Its golden-path release, from the template-upgrades plugin. */
  goldenPath:
    | {
        ok: true;
        /** Undefined: not generated from the golden path. */
        version?: string;
        current?: string;
        behind: number;
      }
    | Unavailable;
}

/** The source of each fact, as `sourceProblems` names it. */
export const FACT_SOURCES: Record<keyof ServiceFacts, string> = {
  owner: 'catalog',
  techdocs: 'techdocs',
  apis: 'catalog',
  slos: 'slo',
  runbooks: 'runbooks',
  kyverno: 'kyverno',
  dataOwnership: 'catalog',
  deadLetters: 'dlq',
  goldenPath: 'template-upgrades',
};
