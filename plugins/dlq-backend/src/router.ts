import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  DEAD_LETTERS_ANNOTATION,
  DeadLetter,
  DeadLetterAction,
  DeadLetterList,
  DeadLetterSource,
  discardRequestSchema,
  dlqMessageDiscardPermission,
  dlqMessageReadPermission,
  dlqMessageReplayPermission,
  parseDeadLetterSource,
  replayRequestSchema,
} from '@internal/plugin-dlq-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ActionLog } from './services/ActionLog';
import { BullmqDeadLetters } from './services/BullmqDeadLetters';
import { DramatiqDeadLetters } from './services/DramatiqDeadLetters';

const entityRef = z
  .string({
    error: issue =>
      issue.input === undefined ? 'required' : 'expected one entity reference',
  })
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
const listQuery = z.strictObject({ entityRef, limit: limit(1000, 200) });
const actionsQuery = z.strictObject({ entityRef, limit: limit(500, 50) });

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? ` ${issue.path.join('.')}` : '';
    throw new InputError(`Invalid ${what}${where}: ${issue.message}`);
  }
  return parsed.data;
}

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  auditor: AuditorService;
  logger: LoggerService;
  actions: ActionLog;
  /** Undefined when deadLetters.redis.url is not set. */
  deadLetters?: {
    dramatiq: DramatiqDeadLetters;
    bullmq: BullmqDeadLetters;
  };
}

/** The dead letters of one source, whatever broker keeps them. */
interface SourceStore {
  list(
    limit: number,
  ): Promise<Pick<DeadLetterList, 'queues' | 'items' | 'total'>>;
  replay(queue: string, key: string): Promise<DeadLetter>;
  discard(queue: string, key: string): Promise<DeadLetter>;
  /** Which rows of the action log are the source's. */
  actionScope: { actorPrefix?: string; onlyEntity?: boolean };
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, auditor, logger, actions } = options;
  const router = Router();
  router.use(express.json());

  /** The one place where the broker of a source picks its store. */
  function storeOf(source: DeadLetterSource): SourceStore {
    if (source.broker === 'bullmq') {
      return {
        list: l => stores().bullmq.list(source, l),
        replay: (q, k) => stores().bullmq.replay(source, q, k),
        discard: (q, k) => stores().bullmq.discard(source, q, k),
        actionScope: { onlyEntity: true },
      };
    }
    return {
      list: l => stores().dramatiq.list(source, l),
      replay: (q, k) => stores().dramatiq.replay(source, q, k),
      discard: (q, k) => stores().dramatiq.discard(source, q, k),
      actionScope: { actorPrefix: source.actorPrefix },
    };
  }

  function stores() {
    if (!options.deadLetters) {
      throw new ServiceUnavailableError(
        'dead letters are not configured: set deadLetters.redis.url',
      );
    }
    return options.deadLetters;
  }

  /** Checked against the user, never the plugin's own identity. */
  async function authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
    what: string,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not ${what} (permission ${permission.name})`,
      );
    }
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
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(credentials, dlqMessageReadPermission, 'read dead letters');
    const query = parse(listQuery, req.query, 'query');
    const {
      entityRef: ref,
      annotation,
      source,
    } = await sourceOf(query.entityRef, credentials);
    const list = await storeOf(source).list(query.limit);
    const body: DeadLetterList = {
      entityRef: ref,
      source: annotation,
      ...list,
      limit: query.limit,
    };
    res.json(body);
  });

  router.get('/actions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(credentials, dlqMessageReadPermission, 'read dead letters');
    const query = parse(actionsQuery, req.query, 'query');
    const { entityRef: ref, source } = await sourceOf(
      query.entityRef,
      credentials,
    );
    // The database only: the trail stays readable while Valkey is down.
    const items: DeadLetterAction[] = await actions.list({
      entityRef: ref,
      ...storeOf(source).actionScope,
      limit: query.limit,
    });
    res.json({ items });
  });

  /**
   * Replay and discard: audited from the moment the user is known, so
   * refused and failed attempts are in the audit log too.
   */
  async function act(
    req: express.Request,
    action: 'replay' | 'discard',
    run: (
      credentials: BackstageCredentials<BackstageUserPrincipal>,
      meta: Record<string, string>,
    ) => Promise<{ letter: DeadLetter; entityRef: string; reason?: string }>,
  ): Promise<DeadLetter> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const audit = await auditor.createEvent({
      eventId: `dead-letter-${action}`,
      severityLevel: 'medium',
      request: req,
    });
    const meta: Record<string, string> = {};
    let done;
    try {
      done = await run(credentials, meta);
    } catch (error) {
      await audit.fail({ error: error as Error, meta });
      throw error;
    }
    const { letter, entityRef: ref, reason } = done;
    if (letter.messageId) meta.messageId = letter.messageId;
    if (letter.actor) meta.actor = letter.actor;
    try {
      await audit.success({ meta });
    } catch (error) {
      logger.error(`Could not audit the ${action} of ${letter.key}: ${error}`);
    }
    // The row is written only once Valkey has changed, and that change
    // cannot be rolled back: if the row cannot be written, the answer still
    // says what happened, and the failure is logged (with everything the
    // row would have held) for someone to repair the trail.
    const row = {
      action,
      entityRef: ref,
      queue: letter.queue,
      key: letter.key,
      messageId: letter.messageId,
      actor: letter.actor,
      reason,
      by: credentials.principal.userEntityRef,
      at: new Date().toISOString(),
    };
    try {
      await actions.record(row);
    } catch (error) {
      logger.error(
        `Could not write the ${action} of dead letter ${
          letter.key
        } to dlq_actions: ${error}; the row was ${JSON.stringify(row)}`,
      );
    }
    return letter;
  }

  router.post('/dead-letters/replay', async (req, res) => {
    const replayed = await act(req, 'replay', async (credentials, meta) => {
      await authorize(
        credentials,
        dlqMessageReplayPermission,
        'replay dead letters',
      );
      const body = parse(replayRequestSchema, req.body, 'body');
      Object.assign(meta, body);
      const { entityRef: ref, source } = await sourceOf(
        body.entityRef,
        credentials,
      );
      const letter = await storeOf(source).replay(body.queue, body.key);
      return { letter, entityRef: ref };
    });
    res.json({ replayed });
  });

  router.post('/dead-letters/discard', async (req, res) => {
    const discarded = await act(req, 'discard', async (credentials, meta) => {
      await authorize(
        credentials,
        dlqMessageDiscardPermission,
        'discard dead letters',
      );
      const body = parse(discardRequestSchema, req.body, 'body');
      Object.assign(meta, body);
      const { entityRef: ref, source } = await sourceOf(
        body.entityRef,
        credentials,
      );
      const letter = await storeOf(source).discard(body.queue, body.key);
      return { letter, entityRef: ref, reason: body.reason };
    });
    res.json({ discarded });
  });

  return router;
}
