import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { AlphaEntity } from '@backstage/catalog-model/alpha';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';

const DEFAULT_POLL_INTERVAL_MS = 500;
const DEFAULT_PROGRESS_INTERVAL_MS = 5000;

/**
 * `catalog:entity:wait-for` waits until the catalog serves an entity, read
 * with the initiator's credentials, as the user who follows the task's
 * "Open in the catalog" link will. It follows `catalog:register` (GitHub)
 * and `catalog:register:local`: registering a location only queues it, and
 * the catalog processes it a few seconds later. The wait is bounded
 * (`timeoutSeconds`, 60 by default) and says every 5 s that it is still
 * waiting; on time-out the task fails naming the location, with the errors
 * the catalog reported for it, if any. Dry runs do not wait.
 */
export function createWaitForEntityAction(options: {
  catalog: CatalogService;
  /** How often the catalog is asked; every 0.5 s by default. */
  pollIntervalMs?: number;
  /** How often the task log says it is still waiting; 5 s by default. */
  progressIntervalMs?: number;
}) {
  const { catalog } = options;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const progressIntervalMs =
    options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;

  return createTemplateAction({
    id: 'catalog:entity:wait-for',
    description:
      'Waits, for at most timeoutSeconds, until the catalog serves the entity (e.g. the one catalog:register just registered); fails naming the location otherwise.',
    supportsDryRun: true,
    schema: {
      input: {
        // Not checked further here: in a dry run the register steps are
        // skipped and give no entityRef; the handler parses it.
        entityRef: z =>
          z
            .string()
            .max(300)
            .optional()
            .describe('e.g. component:default/svc-rewards'),
        location: z =>
          z
            .string()
            .max(2000)
            .optional()
            .describe(
              'What was registered (catalogInfoUrl output of catalog:register and catalog:register:local), named if the wait times out',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .positive()
            .max(600)
            .default(60)
            .describe('How long to wait, in seconds (60 by default)'),
      },
    },
    async handler(ctx) {
      const { location } = ctx.input;
      const timeoutSeconds = ctx.input.timeoutSeconds ?? 60;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait for the catalog to serve ${
            ctx.input.entityRef || 'the registered entity'
          }`,
        );
        return;
      }
      let entityRef: string;
      try {
        entityRef = stringifyEntityRef(parseEntityRef(ctx.input.entityRef!));
      } catch (error) {
        throw new InputError(
          `"${ctx.input.entityRef ?? ''}" is not an entity reference: ${error}`,
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const from = location ? ` registered from ${location}` : '';

      const started = Date.now();
      const deadline = started + timeoutSeconds * 1000;
      let nextProgress = started + progressIntervalMs;
      for (;;) {
        const entity = await catalog.getEntityByRef(entityRef, {
          credentials,
        });
        if (entity) {
          ctx.logger.info(
            `${entityRef} is in the catalog (${seconds(
              Date.now() - started,
            )} s)`,
          );
          return;
        }
        const now = Date.now();
        if (now >= deadline) break;
        if (now >= nextProgress) {
          ctx.logger.info(
            `waiting for the catalog to process ${entityRef}${from}, ${seconds(
              now - started,
            )} s`,
          );
          nextProgress += progressIntervalMs;
        }
        await sleep(Math.min(pollIntervalMs, deadline - now), ctx.signal);
        if (ctx.signal?.aborted) {
          throw new Error(`Stopped waiting for ${entityRef}: task cancelled`);
        }
      }

      const problems = location
        ? await locationErrors(catalog, location, credentials).catch(
            () => [] as string[],
          )
        : [];
      throw new ServiceUnavailableError(
        `Timed out after ${timeoutSeconds} s waiting for the catalog to process ${entityRef}${
          from || ' (location not given)'
        }. ${
          problems.length
            ? `The catalog reports: ${problems.join('; ')}`
            : 'The catalog reports no error for that location yet; it may still be processing: look for the entity again in a few minutes.'
        }`,
      );
    },
  });
}

/**
 * The errors the catalog recorded while processing the location (the
 * `status.items` of its Location entity, which is where a file that cannot be
 * read or parsed is reported).
 */
async function locationErrors(
  catalog: CatalogService,
  target: string,
  credentials: Parameters<CatalogService['getEntities']>[1]['credentials'],
): Promise<string[]> {
  const { items } = await catalog.getEntities(
    { filter: { kind: 'Location', 'spec.target': target } },
    { credentials },
  );
  return items.flatMap(entity =>
    ((entity as AlphaEntity).status?.items ?? [])
      .filter(item => item.level === 'error')
      .map(item => item.error?.message ?? item.message),
  );
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
