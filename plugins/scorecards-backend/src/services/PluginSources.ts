import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { formatSeconds } from '@internal/backend-helpers';
import { z } from 'zod';

/**
 * A source that could not answer: its name, for the scorecard ("slo",
 * "techdocs"), and what went wrong in words (never an address or token).
 */
export class SourceError extends Error {
  constructor(readonly source: string, message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

// What the other plugins answer, parsed rather than trusted: only the fields
// the checks read, everything else passes through untouched.
const sloList = z.object({
  slos: z.array(
    z.object({
      slo: z.string(),
      errorBudget: z.object({
        remainingRatio: z.number().nullable().optional(),
      }),
    }),
  ),
  errors: z.array(z.object({ server: z.string(), message: z.string() })),
  specProblems: z.array(z.object({ file: z.string(), message: z.string() })),
});
export type SloFacts = z.infer<typeof sloList>;

const runbookList = z.object({
  runbooks: z.array(
    z.object({
      id: z.string(),
      alerts: z.array(z.string()),
      stale: z.boolean(),
      lastReviewed: z.string(),
    }),
  ),
  problems: z.array(z.object({ file: z.string(), message: z.string() })),
});
export type RunbookFacts = z.infer<typeof runbookList>;

const policyReport = z.object({
  snapshot: z.object({ takenAt: z.string() }).nullable(),
  counts: z.record(z.string(), z.number()),
  severities: z.record(z.string(), z.number()),
  failing: z.array(
    z.object({
      policy: z.string(),
      severity: z.string().nullable().optional(),
    }),
  ),
});
export type PolicyFacts = z.infer<typeof policyReport>;

const deadLetterList = z.object({
  source: z.string(),
  queues: z.array(z.object({ queue: z.string(), depth: z.number() })),
});
export type DeadLetterFacts = z.infer<typeof deadLetterList>;

const goldenPathDrift = z.object({
  services: z.array(
    z.object({
      entityRef: z.string(),
      version: z.string(),
      current: z.string(),
      behind: z.number(),
    }),
  ),
});
export type GoldenPathDrift = z.infer<typeof goldenPathDrift>;

const techdocsMetadata = z.object({
  site_name: z.string().optional(),
  build_timestamp: z.number().optional(),
});

const errorBody = z.object({ error: z.object({ message: z.string() }) });

const enc = encodeURIComponent;
const entityPath = (e: CompoundEntityRef) =>
  `/entities/${enc(e.kind)}/${enc(e.namespace)}/${enc(e.name)}`;
const techdocsPath = (e: CompoundEntityRef) =>
  `${enc(e.namespace)}/${enc(e.kind)}/${enc(e.name)}`;

/**
 * The other portal plugins, called over HTTP as this plugin's own service
 * (the Backstage way between plugins: each plugin keeps its data and its
 * rules; their routes let service principals read). Every answer is checked
 * against the shape the checks need; a timeout, an error status or another
 * shape is a SourceError that names the source.
 */
export class PluginSources {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      timeoutMs: number;
      fetchImpl?: typeof fetch;
    },
  ) {}

  /** `GET /api/slo/entities/…/slos`. */
  slos(entity: CompoundEntityRef): Promise<SloFacts> {
    return this.get('slo', `${entityPath(entity)}/slos`, sloList);
  }

  /** `GET /api/runbooks/entities/…/runbooks`. */
  runbooks(entity: CompoundEntityRef): Promise<RunbookFacts> {
    return this.get('runbooks', `${entityPath(entity)}/runbooks`, runbookList);
  }

  /** `GET /api/kyverno/entities/…/results`. */
  policyResults(entity: CompoundEntityRef): Promise<PolicyFacts> {
    return this.get('kyverno', `${entityPath(entity)}/results`, policyReport);
  }

  /** `GET /api/dlq/dead-letters`: the depths only (one item at most). */
  deadLetters(entityRef: string): Promise<DeadLetterFacts> {
    const q = new URLSearchParams({ entityRef, limit: '1' });
    return this.get('dlq', `/dead-letters?${q}`, deadLetterList);
  }

  /** `GET /api/template-upgrades/drift`: every generated service's release. */
  goldenPathDrift(): Promise<GoldenPathDrift> {
    return this.get('template-upgrades', '/drift', goldenPathDrift);
  }

  /**
   * TechDocs' metadata of the published site, or undefined when no site is
   * published yet (404). With `techdocs.builder: local` a first read builds
   * it: `build` asks TechDocs to build now.
   */
  async techdocsSite(
    entity: CompoundEntityRef,
  ): Promise<{ builtAt?: string } | undefined> {
    const path = `/metadata/techdocs/${techdocsPath(entity)}`;
    const response = await this.fetch('techdocs', path);
    if (response.status === 404) return undefined;
    const meta = await this.parse('techdocs', response, techdocsMetadata);
    return {
      builtAt:
        meta.build_timestamp === undefined
          ? undefined
          : new Date(meta.build_timestamp).toISOString(),
    };
  }

  /**
   * Asks TechDocs to build the site when its sources changed
   * (`GET /sync/…`; with an external builder it only checks). A build that
   * fails is a SourceError carrying TechDocs' message.
   */
  async buildTechdocs(entity: CompoundEntityRef): Promise<void> {
    const response = await this.fetch(
      'techdocs',
      `/sync/${techdocsPath(entity)}`,
      // A build takes longer than a read.
      this.options.timeoutMs * 6,
    );
    if (!response.ok) await this.fail('techdocs', response);
    await response.text();
  }

  private async get<T>(
    source: string,
    path: string,
    schema: z.ZodType<T>,
  ): Promise<T> {
    return this.parse(source, await this.fetch(source, path), schema);
  }

  private async fetch(
    source: string,
    path: string,
    timeoutMs = this.options.timeoutMs,
  ): Promise<Response> {
    const { discovery, auth } = this.options;
    const fetchImpl = this.options.fetchImpl ?? fetch;
    try {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: source,
      });
      return await fetchImpl(`${await discovery.getBaseUrl(source)}${path}`, {
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const error = e as Error;
      throw new SourceError(
        source,
        error.name === 'TimeoutError'
          ? `the ${source} plugin did not answer within ${formatSeconds(
              timeoutMs,
            )}`
          : `the ${source} plugin could not be reached (${error.message})`,
      );
    }
  }

  private async parse<T>(
    source: string,
    response: Response,
    schema: z.ZodType<T>,
  ): Promise<T> {
    if (!response.ok) await this.fail(source, response);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new SourceError(source, `the ${source} plugin answered non-JSON`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SourceError(
        source,
        `the ${source} plugin answered an unexpected shape (${issue.path.join(
          '.',
        )}: ${issue.message})`,
      );
    }
    return parsed.data;
  }

  private async fail(source: string, response: Response): Promise<never> {
    let message = `HTTP ${response.status}`;
    try {
      const parsed = errorBody.safeParse(await response.json());
      if (parsed.success) message = parsed.data.error.message;
    } catch {
      // Not JSON: the status says enough.
    }
    throw new SourceError(source, `the ${source} plugin answered: ${message}`);
  }
}
