import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  stringifyError,
} from '@backstage/errors';
import {
  errorBoundary,
  isDependencyError,
  Masker,
  MaskLevel,
  Caller,
  parseInput,
  ParseInputOptions,
  PermissionCheck,
  publicMessage,
  readErrorSettings,
} from '@internal/backend-helpers';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { BasicPermission } from '@backstage/plugin-permission-common';
import {
  DEAD_LETTERS_ANNOTATION,
  DeadLetter,
  DeadLetterAction,
  DeadLetterList,
  DeadLetterSource,
  QueueBacklogList,
  ACTOR_MESSAGE,
  ACTOR_PATTERN,
  BulkJob,
  bulkRequestSchema,
  DeadLetterFilter,
  discardRequestSchema,
  dlqBacklogReadPermission,
  ERROR_TYPE_MESSAGE,
  ERROR_TYPE_PATTERN,
  QUEUE_FILTER_PATTERN,
  searchText,
  dlqMessageDiscardPermission,
  dlqMessageReadPermission,
  dlqMessageReplayPermission,
  dlqMessageRevealPermission,
  dlqPlatformReadPermission,
  parseDeadLetterSource,
  replayRequestSchema,
} from '@internal/plugin-dlq-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ActionLog, NewAction } from './services/ActionLog';
import { BulkJobs } from './services/BulkJobs';
import { BeforeChange } from './services/beforeChange';
import {
  decodeCursor,
  errorTypeOf,
  ListQuery,
} from './services/DeadLetterStore';
import { StoreOf } from './services/storeOf';

const entityRef = z
  .string({
    error: issue =>
      issue.input === undefined ? 'required' : 'expected one entity reference',
  })
  .max(255, 'expected an entity reference of at most 255 characters')
  .regex(
    /^[a-z]+:[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i,
    'expected a full entity reference such as component:default/svc-ledger',
  );
const limit = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `expected a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, `expected a whole number from 1 to ${max}`)
        .max(max, `expected a whole number from 1 to ${max}`),
    )
    .default(fallback);
const minutes = (what: string) =>
  z
    .string()
    .regex(/^\d{1,7}$/, `expected ${what} as a whole number of minutes`)
    .transform(Number)
    .optional();
const listQuery = z.strictObject({
  entityRef,
  limit: limit(1000, 200),
  reveal: z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .transform(v => v === 'true')
    .default(false),
  cursor: z.string().max(600, 'expected a cursor from nextCursor').optional(),
  queue: z
    .string()
    .regex(QUEUE_FILTER_PATTERN, 'expected a queue name')
    .optional(),
  actor: z.string().regex(ACTOR_PATTERN, ACTOR_MESSAGE).optional(),
  errorType: z
    .string()
    .regex(ERROR_TYPE_PATTERN, ERROR_TYPE_MESSAGE)
    .optional(),
  text: searchText.optional(),
  minAgeMinutes: minutes('the minimum age'),
  maxAgeMinutes: minutes('the maximum age'),
});
const actionsQuery = z.strictObject({ entityRef, limit: limit(500, 50) });
const backlogQuery = z.strictObject({ entityRef });

/** This API has always told unknown keys in zod's words. */
const zodWords: ParseInputOptions = { unknownKeys: 'zod' };

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  auditor: AuditorService;
  logger: LoggerService;
  /** Reads localPlus.errors.exposeDetails. */
  config: RootConfigService;
  actions: ActionLog;
  bulkJobs: BulkJobs;
  /** deadLetters.bulk: the pace of bulk actions. */
  bulk: { defaultRatePerSecond: number; maxRatePerSecond: number };
  /** Masks what leaves the backend (deadLetters.masking). */
  masker: Masker;
  /** The store of an entity's dead-letter source (services/storeOf.ts). */
  storeOf: StoreOf;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    catalog,
    auditor,
    logger,
    actions,
    masker,
    bulkJobs,
    storeOf,
  } = options;
  const settings = readErrorSettings(options.config);
  const router = Router();
  router.use(express.json());

  /**
   * The content filters, tested on the dead letter as the user sees it
   * (masked): a text search never confirms what masking hides.
   */
  function contentFilter(filter: DeadLetterFilter): ListQuery['matches'] {
    const { actor, errorType, text } = filter;
    if (!actor && !errorType && !text) return undefined;
    const needle = text?.toLocaleLowerCase('en-US');
    return letter => {
      if (actor && letter.actor !== actor) return false;
      if (errorType && errorTypeOf(letter) !== errorType) return false;
      if (needle) {
        const shown = masker
          .maskText(letter.traceback ?? letter.unreadable ?? '')
          .toLocaleLowerCase('en-US');
        if (!shown.includes(needle)) return false;
      }
      return true;
    };
  }

  /** What a filter asks the store for, ages turned into times. */
  function filterQuery(
    filter: DeadLetterFilter,
  ): Omit<ListQuery, 'limit' | 'cursor'> {
    if (
      filter.minAgeMinutes !== undefined &&
      filter.maxAgeMinutes !== undefined &&
      filter.minAgeMinutes > filter.maxAgeMinutes
    ) {
      throw new InputError(
        'Invalid query: minAgeMinutes is more than maxAgeMinutes',
      );
    }
    // Text is searched in what the page shows (masked). A card number or an
    // address typed in full would find nothing, and would be kept in clear
    // in a bulk job's selection and the audit log: refused, saying why.
    if (filter.text && masker.maskText(filter.text) !== filter.text) {
      throw new InputError(
        'Invalid query text: it holds what the portal masks (a card number, an IBAN, an e-mail address, a phone number or a secret); search for the text as the page shows it',
      );
    }
    const now = Date.now();
    return {
      queue: filter.queue,
      deadLetteredBefore:
        filter.minAgeMinutes === undefined
          ? undefined
          : now - filter.minAgeMinutes * 60_000,
      deadLetteredAfter:
        filter.maxAgeMinutes === undefined
          ? undefined
          : now - filter.maxAgeMinutes * 60_000,
      matches: contentFilter(filter),
    };
  }

  /** Checked against the user, never the plugin's own identity. */
  const access = new PermissionCheck(options);
  /** A refusal says what the user may not do, and by which permission. */
  const refusal = (permission: BasicPermission, what: string) =>
    `You may not ${what} (permission ${permission.name})`;
  const authorize = (
    credentials: BackstageCredentials,
    permission: BasicPermission,
    what: string,
  ) => access.authorize(credentials, permission, refusal(permission, what));
  /** The routes that show no payload: every role (dlq.backlog.read). */
  const reader = (
    req: express.Request,
    what = 'read dead letters',
    allow?: Caller[],
  ) =>
    access.credentials(
      req,
      dlqBacklogReadPermission,
      refusal(dlqBacklogReadPermission, what),
      allow,
    );

  /**
   * May the user read the payloads of this entity's dead letters? Its
   * owners, on-call and admins (a resource permission on the entity); the
   * platform-wide view, every team's payloads: on-call and admins only.
   */
  async function payloadsRefusal(
    credentials: BackstageCredentials,
    ref: string,
    source: DeadLetterSource,
  ): Promise<string | undefined> {
    if (source.broker === 'dramatiq' && !source.actorPrefix) {
      return (await access.allows(credentials, dlqPlatformReadPermission))
        ? undefined
        : `The platform-wide dead letters carry every team's payloads: on-call and platform admins read them (permission ${dlqPlatformReadPermission.name}). You see the counts.`;
    }
    return (await access.allows(credentials, dlqMessageReadPermission, ref))
      ? undefined
      : `Dead-letter payloads are for the owning team, on-call and platform admins (permission ${dlqMessageReadPermission.name}). You see the counts.`;
  }

  /** A dead letter as it may leave the backend. */
  function masked(letter: DeadLetter, level: MaskLevel = 'masked'): DeadLetter {
    return {
      ...letter,
      args: letter.args && masker.maskValue(letter.args, level),
      kwargs: letter.kwargs && masker.maskValue(letter.kwargs, level),
      traceback: letter.traceback && masker.maskText(letter.traceback, level),
      unreadable:
        letter.unreadable && masker.maskText(letter.unreadable, level),
    };
  }

  /** The entity, read as the user, and the dead letters its annotation names. */
  async function sourceOf(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<{
    entityRef: string;
    annotation: string;
    source: DeadLetterSource;
  }> {
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${ref}`);
    const canonical = stringifyEntityRef(entity);
    const annotation = entity.metadata.annotations?.[DEAD_LETTERS_ANNOTATION];
    if (annotation === undefined) {
      throw new NotFoundError(
        `${canonical} has no dead-letter source (annotation ${DEAD_LETTERS_ANNOTATION})`,
      );
    }
    const parsed = parseDeadLetterSource(annotation);
    if ('error' in parsed) throw new InputError(parsed.error);
    return {
      entityRef: canonical,
      annotation: annotation.trim(),
      source: parsed.source,
    };
  }

  router.get('/dead-letters', async (req, res) => {
    // Also read by the portal's own plugins (the scorecards count the
    // critical queue as a service; they keep no payload).
    const credentials = await reader(req, 'read dead letters', [
      'user',
      'service',
    ]);
    const query = parseInput(listQuery, req.query, 'query', zodWords);
    const {
      entityRef: ref,
      annotation,
      source,
    } = await sourceOf(query.entityRef, credentials);
    const hiddenBecause = await payloadsRefusal(credentials, ref, source);
    if (query.reveal) {
      if (hiddenBecause) throw new NotAllowedError(hiddenBecause);
      // Unmasked payloads are for people, on record; never for a plugin.
      if ((credentials.principal as { type?: string }).type !== 'user') {
        throw new NotAllowedError('Only a signed-in user may reveal payloads');
      }
      await authorize(
        credentials,
        dlqMessageRevealPermission,
        'see dead letters unmasked',
      );
    }
    const { entityRef: _e, limit: _l, reveal: _r, cursor, ...filter } = query;
    const list = await storeOf(source).list({
      ...filterQuery(filter),
      limit: query.limit,
      cursor: cursor === undefined ? undefined : decodeCursor(cursor),
    });
    const level: MaskLevel = query.reveal ? 'revealed' : 'masked';
    const body: DeadLetterList = {
      entityRef: ref,
      source: annotation,
      ...list,
      items: hiddenBecause ? [] : list.items.map(l => masked(l, level)),
      limit: query.limit,
      payloads: hiddenBecause ? 'hidden' : level,
      hiddenBecause,
    };
    if (query.reveal) {
      // Every unmasked read is on record: who, which entity, which messages.
      const audit = await auditor.createEvent({
        eventId: 'dead-letter-reveal',
        severityLevel: 'high',
        request: req,
        meta: {
          entityRef: ref,
          count: body.items.length,
          messageIds: body.items.map(l => l.messageId ?? l.key),
        },
      });
      await audit.success();
    }
    res.json(body);
  });

  router.get('/backlog', async (req, res) => {
    const credentials = await reader(req, 'read queue backlogs');
    const query = parseInput(backlogQuery, req.query, 'query', zodWords);
    const {
      entityRef: ref,
      annotation,
      source,
    } = await sourceOf(query.entityRef, credentials);
    const store = storeOf(source);
    const body: QueueBacklogList = {
      entityRef: ref,
      source: annotation,
      scope: store.backlogScope,
      queues: await store.backlog(),
      at: new Date().toISOString(),
    };
    res.json(body);
  });

  router.get('/actions', async (req, res) => {
    const credentials = await reader(req);
    const query = parseInput(actionsQuery, req.query, 'query', zodWords);
    const { entityRef: ref, source } = await sourceOf(
      query.entityRef,
      credentials,
    );
    // The database only: the trail stays readable while Valkey is down.
    const rows = await actions.list({
      entityRef: ref,
      ...storeOf(source).actionScope,
      limit: query.limit,
    });
    // A reason is free text: someone may have pasted a card number in it.
    const items: DeadLetterAction[] = rows.map(row => ({
      ...row,
      reason: row.reason && masker.maskText(row.reason),
      error: row.error && masker.maskText(row.error),
    }));
    res.json({ items });
  });

  /**
   * Replay and discard: audited from the moment the user is known, so
   * refused and failed attempts are in the audit log too. The row of the
   * trail is written before the dead letter changes (outcome `pending`):
   * if it cannot be, the action is refused (503) and the dead letter is
   * untouched; never done unaudited. It is then marked done or failed.
   */
  async function act(
    req: express.Request,
    action: 'replay' | 'discard',
    prepare: (
      credentials: BackstageCredentials<BackstageUserPrincipal>,
      meta: Record<string, string>,
    ) => Promise<{
      entityRef: string;
      reason?: string;
      change: (beforeChange: BeforeChange) => Promise<DeadLetter>;
    }>,
  ): Promise<DeadLetter> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const audit = await auditor.createEvent({
      eventId: `dead-letter-${action}`,
      severityLevel: 'medium',
      request: req,
    });
    const meta: Record<string, string> = {};
    let row: (NewAction & { id: number }) | undefined;
    let letter: DeadLetter;
    try {
      const {
        entityRef: ref,
        reason,
        change,
      } = await prepare(credentials, meta);
      letter = await change(async read => {
        const started: NewAction = {
          action,
          entityRef: ref,
          queue: read.queue,
          key: read.key,
          messageId: read.messageId,
          actor: read.actor,
          reason,
          by: credentials.principal.userEntityRef,
          at: new Date().toISOString(),
        };
        // Throws a 503 naming the audit database: nothing changes then.
        row = { ...started, id: await actions.start(started) };
      });
    } catch (error) {
      if (row) await finishFailed(row, error);
      await audit.fail({ error: error as Error, meta });
      throw error;
    }
    if (letter.messageId) meta.messageId = letter.messageId;
    if (letter.actor) meta.actor = letter.actor;
    if (row) {
      try {
        await actions.finish(row.id, { outcome: 'done' });
      } catch (error) {
        // Valkey has changed and that cannot be rolled back: the answer
        // still says what happened; the row stays pending and the log has
        // what it should say, for someone to repair the trail.
        logger.error(
          `The ${action} of dead letter ${letter.key} was done, but row ${
            row.id
          } of dlq_actions stays pending: ${describe(
            error,
          )}; it should read ${JSON.stringify({ ...row, outcome: 'done' })}`,
        );
      }
    }
    try {
      await audit.success({ meta });
    } catch (error) {
      logger.error(`Could not audit the ${action} of ${letter.key}: ${error}`);
    }
    return letter;
  }

  /** Marks the row of a failed action with what the user is told. */
  async function finishFailed(
    row: NewAction & { id: number },
    failure: unknown,
  ) {
    // The words the answer carries in production: no address, no stack.
    const error = publicMessage(failure, {
      exposeDetails: false,
      pluginId: 'dlq',
    });
    try {
      await actions.finish(row.id, { outcome: 'failed', error });
    } catch (finishError) {
      logger.error(
        `The ${row.action} of dead letter ${row.key} failed, and row ${
          row.id
        } of dlq_actions stays pending: ${describe(
          finishError,
        )}; it should read ${JSON.stringify({
          ...row,
          outcome: 'failed',
          error,
        })}`,
      );
    }
  }

  /** An error for the log: its message and, for a dependency, its detail. */
  function describe(error: unknown): string {
    const detail = isDependencyError(error) ? error.detail : undefined;
    return `${stringifyError(error)}${detail ? ` (${detail})` : ''}`;
  }

  router.post('/dead-letters/replay', async (req, res) => {
    const replayed = await act(req, 'replay', async (credentials, meta) => {
      await authorize(
        credentials,
        dlqMessageReplayPermission,
        'replay dead letters',
      );
      const body = parseInput(replayRequestSchema, req.body, 'body', zodWords);
      Object.assign(meta, body);
      const { entityRef: ref, source } = await sourceOf(
        body.entityRef,
        credentials,
      );
      return {
        entityRef: ref,
        change: beforeChange =>
          storeOf(source).replay(body.queue, body.key, beforeChange),
      };
    });
    res.json({ replayed: masked(replayed) });
  });

  router.post('/dead-letters/discard', async (req, res) => {
    const discarded = await act(req, 'discard', async (credentials, meta) => {
      await authorize(
        credentials,
        dlqMessageDiscardPermission,
        'discard dead letters',
      );
      const body = parseInput(discardRequestSchema, req.body, 'body', zodWords);
      // The reason is kept (trail, audit log) as masked as it is shown.
      body.reason = masker.maskText(body.reason);
      Object.assign(meta, body);
      const { entityRef: ref, source } = await sourceOf(
        body.entityRef,
        credentials,
      );
      return {
        entityRef: ref,
        reason: body.reason,
        change: beforeChange =>
          storeOf(source).discard(body.queue, body.key, beforeChange),
      };
    });
    res.json({ discarded: masked(discarded) });
  });

  /**
   * Bulk replay or discard: the selected dead letters, or all that match a
   * filter, at a steady pace, in the background (202 with the job; its
   * progress at GET /dead-letters/bulk/:id). One auditor event for the
   * batch; one row of the trail per dead letter.
   */
  /** Bulk routes change dead letters: refused early to whoever may not. */
  async function authorizeSomeChange(credentials: BackstageCredentials) {
    if (
      !(await access.allows(credentials, dlqMessageReplayPermission)) &&
      !(await access.allows(credentials, dlqMessageDiscardPermission))
    ) {
      throw new NotAllowedError(
        `You may not replay or discard dead letters (permissions ${dlqMessageReplayPermission.name}, ${dlqMessageDiscardPermission.name})`,
      );
    }
  }

  router.post('/dead-letters/bulk', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorizeSomeChange(credentials);
    const body = parseInput(bulkRequestSchema, req.body, 'body', zodWords);
    const permission =
      body.action === 'replay'
        ? dlqMessageReplayPermission
        : dlqMessageDiscardPermission;
    await authorize(credentials, permission, `${body.action} dead letters`);
    const rate = body.ratePerSecond ?? options.bulk.defaultRatePerSecond;
    if (rate > options.bulk.maxRatePerSecond) {
      throw new InputError(
        `Invalid body ratePerSecond: at most ${options.bulk.maxRatePerSecond} dead letters per second (deadLetters.bulk.maxRatePerSecond)`,
      );
    }
    const { entityRef: ref, source } = await sourceOf(
      body.entityRef,
      credentials,
    );
    const store = storeOf(source);
    if ('filter' in body.selection) {
      // A mistake in the filter is a 400 now, not a failed job later.
      filterQuery(body.selection.filter);
    }
    const reason = body.reason && masker.maskText(body.reason);
    const audit = await auditor.createEvent({
      eventId: `dead-letter-bulk-${body.action}`,
      severityLevel: 'high',
      request: req,
      meta: {
        entityRef: ref,
        selection: body.selection,
        ratePerSecond: rate,
        ...(reason ? { reason } : {}),
      },
    });
    const job: BulkJob = await bulkJobs.start({
      request: { ...body, reason, ratePerSecond: rate },
      entityRef: ref,
      by: credentials.principal.userEntityRef,
      store,
      queryOf: filterQuery,
      audit,
    });
    res.status(202).json({ job });
  });

  router.get('/dead-letters/bulk', async (req, res) => {
    const credentials = await reader(req);
    const query = parseInput(backlogQuery, req.query, 'query', zodWords);
    const { entityRef: ref } = await sourceOf(query.entityRef, credentials);
    res.json({ items: await bulkJobs.list(ref) });
  });

  /** A job, if the user may see its entity. */
  async function jobOf(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<BulkJob> {
    if (!/^\d{1,9}$/.test(id)) {
      throw new InputError(`Invalid bulk job id "${id}": expected a number`);
    }
    const job = await bulkJobs.get(Number(id));
    if (!job) throw new NotFoundError(`No bulk job ${id}`);
    // Read as the user: a job of an entity they cannot see is not theirs.
    await sourceOf(job.entityRef, credentials);
    return job;
  }

  router.get('/dead-letters/bulk/:id', async (req, res) => {
    const credentials = await reader(req);
    res.json({ job: await jobOf(req.params.id, credentials) });
  });

  router.post('/dead-letters/bulk/:id/cancel', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorizeSomeChange(credentials);
    const job = await jobOf(req.params.id, credentials);
    await authorize(
      credentials,
      job.action === 'replay'
        ? dlqMessageReplayPermission
        : dlqMessageDiscardPermission,
      `cancel a bulk ${job.action}`,
    );
    const audit = await auditor.createEvent({
      eventId: 'dead-letter-bulk-cancel',
      severityLevel: 'medium',
      request: req,
      meta: { jobId: job.id, entityRef: job.entityRef },
    });
    const after = await bulkJobs.cancel(
      job.id,
      credentials.principal.userEntityRef,
    );
    await audit.success();
    res.json({ job: after });
  });

  // Last: 5xx answers name the dependency and carry a request id; the
  // detail (addresses, driver messages) goes to the log under that id.
  router.use(errorBoundary({ logger, settings, pluginId: 'dlq' }));

  return router;
}
