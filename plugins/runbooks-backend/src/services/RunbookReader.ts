import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';
import {
  BoundedCache,
  DependencyError,
  describeCause,
  formatSeconds,
} from '@internal/backend-helpers';
import { EntityRunbooks } from '@internal/plugin-runbooks-common';
import pLimit from 'p-limit';
import { RunbookDocsConfig } from '../config';
import { RunbookFinder } from './RunbookFinder';

/** What is known of an entity's runbooks, at once or within the time-out. */
export type RunbooksRead =
  | { ok: true; runbooks: EntityRunbooks }
  | { ok: false; error: DependencyError };

/** What a DependencyError is made of: a new one is made for each answer
 * (errorBoundary rewrites the message of the error it is given). */
type Failure = ConstructorParameters<typeof DependencyError>[0];

interface Known {
  runbooks: EntityRunbooks;
  readAt: number;
}

interface Reading {
  /** Settles (never rejects) when the read is over, however it ended. */
  done: Promise<void>;
  /** Requests stop waiting for it then; it may still finish. */
  deadline: number;
  /** How it ended, for those waiting (the cache may not keep it). */
  result?:
    | { ok: true; runbooks: EntityRunbooks }
    | { ok: false; failure: Failure };
  timeoutLogged?: boolean;
}

/** Bytes of a failure: its words and the key. */
const failureSize = (f: Failure, key: string) =>
  Buffer.byteLength(`${f.dependency}${f.problem}${f.hint}${f.detail}`) +
  Buffer.byteLength(key);

/**
 * Reads the runbooks of entities from their docs sites with bounded work:
 *
 * - at most `concurrency` reads run at once, whatever the number of
 *   requests or entities (TechDocs preparers fetch from GitHub);
 * - a request waits at most `timeoutMs` for an entity, then answers without
 *   it; the read cannot be aborted (preparers take no signal), so it goes
 *   on in the background, holding its slot, and fills the cache when done;
 *   an entity is never read twice at the same time;
 * - runbooks older than `refreshAfterMs` are served at once while they are
 *   read again in the background (stale-while-revalidate);
 * - a read that failed is not tried again for `failureTtlMs`.
 *
 * Runbooks live in a BoundedCache (entries and bytes) of this replica, not
 * in the shared CacheService: the stale-while-revalidate and failure state
 * must be read synchronously, and runbooks are cheap to read again on
 * another replica.
 */
export class RunbookReader {
  private readonly known: BoundedCache<Known>;
  private readonly failures: BoundedCache<Failure>;
  /** Reads in flight; at most one per entity, `concurrency` of them running. */
  private readonly reading = new Map<string, Reading>();
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(
    private readonly options: {
      finder: RunbookFinder;
      logger: LoggerService;
      config: RunbookDocsConfig;
    },
  ) {
    const { cache, failureTtlMs, concurrency } = options.config;
    this.known = new BoundedCache<Known>({
      maxEntries: cache.maxEntries,
      maxBytes: cache.maxBytes,
      ttlMs: cache.maxAgeMs,
    });
    this.failures = new BoundedCache<Failure>({
      maxEntries: cache.maxEntries,
      // Failures are a message each; a 64th of the runbooks' share.
      maxBytes: Math.max(64 * 1024, Math.floor(cache.maxBytes / 64)),
      ttlMs: failureTtlMs,
      sizeOf: failureSize,
    });
    this.limit = pLimit(concurrency);
  }

  /** Reads running or queued now (for tests and metrics). */
  get inFlight(): number {
    return this.reading.size;
  }

  /**
   * The entity's runbooks: at once when known (fresh or stale), else within
   * the time-out; or why they are unavailable. Never rejects.
   */
  async read(entity: Entity): Promise<RunbooksRead> {
    const key = stringifyEntityRef(entity);
    const { refreshAfterMs } = this.options.config;
    const known = this.known.get(key);
    if (known) {
      if (
        Date.now() - known.readAt >= refreshAfterMs &&
        !this.failures.get(key)
      ) {
        this.start(entity, key); // in the background
      }
      return { ok: true, runbooks: known.runbooks };
    }
    const failed = this.failures.get(key);
    if (failed) return { ok: false, error: new DependencyError(failed) };

    const reading = this.start(entity, key);
    const wait = reading.deadline - Date.now();
    if (wait > 0) await settledWithin(reading.done, wait);

    const { result } = reading;
    if (!result) return { ok: false, error: this.timedOut(key, reading) };
    return result.ok
      ? result
      : { ok: false, error: new DependencyError(result.failure) };
  }

  /** The read of the entity in flight, or a new one (queued on the limit). */
  private start(entity: Entity, key: string): Reading {
    const running = this.reading.get(key);
    if (running) return running;
    const { finder, config } = this.options;
    const reading: Reading = {
      deadline: Date.now() + config.timeoutMs,
      done: this.limit(() => finder.find(entity)).then(
        runbooks => {
          // Not kept if bigger than the cache may hold; still answered.
          this.known.set(key, { runbooks, readAt: Date.now() });
          this.failures.delete(key);
          reading.result = { ok: true, runbooks };
        },
        error => {
          reading.result = { ok: false, failure: this.failed(key, error) };
        },
      ),
    };
    // Set before `finally` can run: a finder that answers at once still
    // settles in a later microtask.
    this.reading.set(key, reading);
    reading.done = reading.done.finally(() => this.reading.delete(key));
    return reading;
  }

  private failed(key: string, cause: unknown): Failure {
    let problem = describeCause(cause);
    if ((cause as Error)?.name === 'NotFoundError') problem = 'were not found';
    else if (problem === 'failed') problem = 'could not be read';
    const failure: Failure = {
      dependency: `The docs of ${key}`,
      problem,
      hint: `check its backstage.io/techdocs-ref annotation and the portal's integration for it; it is tried again in ${Math.ceil(
        this.options.config.failureTtlMs / 1000,
      )} s`,
      detail: stringifyError(cause),
    };
    this.options.logger.warn(
      `Could not read the runbooks of ${key}: ${failure.problem} (${failure.detail})`,
    );
    this.failures.set(key, failure);
    return failure;
  }

  private timedOut(key: string, reading: Reading): DependencyError {
    const { timeoutMs } = this.options.config;
    const error = new DependencyError({
      dependency: `The docs of ${key}`,
      problem: `did not answer within ${formatSeconds(timeoutMs)}`,
      hint: 'they are still being read; the runbooks show once they are',
      detail: `${this.reading.size} docs sites being read, at most ${this.options.config.concurrency} at once`,
    });
    if (!reading.timeoutLogged) {
      reading.timeoutLogged = true;
      this.options.logger.warn(
        `Runbooks of ${key} not read within ${timeoutMs} ms; still reading in the background (${error.detail})`,
      );
    }
    return error;
  }
}

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
async function settledWithin(promise: Promise<unknown>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise<void>(resolve => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
