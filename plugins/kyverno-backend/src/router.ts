import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Caller,
  entityRefFromParams,
  ErrorSettings,
  errorBoundary,
  parseInput,
  PermissionCheck,
} from '@internal/backend-helpers';
import {
  ComplianceFilter,
  EXPORT_COLUMNS,
  ExportRow,
  kyvernoExportPermission,
  kyvernoReadPermission,
  OUTCOMES,
  SEVERITIES,
} from '@internal/plugin-kyverno-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ReportService } from './services/ReportService';
import { SnapshotStore } from './services/SnapshotStore';

const ref = z.string().regex(/^[a-z]+:[a-z0-9-]+\/[a-z0-9._-]+$/i, {
  error: 'expected an entity reference such as group:default/platform-team',
});
const name = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, {
  error: 'expected a Kubernetes name',
});
/** `a,b,c` → ['a','b','c'], each checked. */
const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .max(4000)
    .transform(v =>
      v
        .split(',')
        .map(s => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(50));

const filterShape = {
  standard: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,31}$/)
    .optional(),
  control: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,31}$/)
    .optional(),
  severity: list(z.enum(SEVERITIES)).optional(),
  policy: list(name).optional(),
  outcome: list(z.enum(OUTCOMES)).optional(),
  system: ref.optional(),
  owner: ref.optional(),
  namespace: name.optional(),
  cluster: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/)
    .optional(),
};
const iso = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time',
});

const complianceQuery = z
  .object({
    ...filterShape,
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .strict();
const trendQuery = z
  .object({ ...filterShape, from: iso.optional(), to: iso.optional() })
  .strict();
const snapshotsQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(50) })
  .strict();
const exportQuery = z
  .object({
    ...filterShape,
    format: z.enum(['csv', 'json']),
    snapshot: z.coerce.number().int().positive().optional(),
    from: iso.optional(),
    to: iso.optional(),
  })
  .strict()
  .refine(
    q =>
      (q.snapshot === undefined) !==
      (q.from === undefined && q.to === undefined),
    {
      error: 'give either snapshot or a range (from, to), not both',
    },
  )
  .refine(q => q.snapshot !== undefined || (q.from && q.to), {
    error: 'a range needs both from and to',
  });

function filterOf(
  q: Partial<ComplianceFilter> & Record<string, unknown>,
): ComplianceFilter {
  const {
    standard,
    control,
    severity,
    policy,
    outcome,
    system,
    owner,
    namespace,
    cluster,
  } = q;
  if (control && !standard)
    throw new InputError('Invalid query control: give its standard too');
  return {
    standard,
    control,
    severity,
    policy,
    outcome,
    system: system?.toLocaleLowerCase('en-US'),
    owner: owner?.toLocaleLowerCase('en-US'),
    namespace,
    cluster,
  };
}

/** A CSV cell: quoted, and never read as a formula by a spreadsheet. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function toCsv(rows: ExportRow[]): string {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const row of rows)
    lines.push(EXPORT_COLUMNS.map(c => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

const DAY = 24 * 3600 * 1000;

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  reports: ReportService;
  store: SnapshotStore;
  logger: LoggerService;
  retentionDays: number;
  errorSettings: ErrorSettings;
}): Promise<express.Router> {
  const { catalog, reports, store, logger } = options;
  const router = Router();
  const access = new PermissionCheck(options);
  const reader = (req: express.Request, allow?: Caller[]) =>
    access.credentials(
      req,
      kyvernoReadPermission,
      'You may not read policy reports',
      allow,
    );

  router.get('/entities/:kind/:namespace/:name/results', async (req, res) => {
    // Also read by the portal's own plugins (the scorecards, as a service).
    const credentials = await reader(req, ['user', 'service']);
    const entityRef = entityRefFromParams(req.params, { brief: true });
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    res.json(await reports.forEntity(entity));
  });

  router.get('/compliance', async (req, res) => {
    const credentials = await reader(req);
    const q = parseInput(complianceQuery, req.query);
    res.json(await reports.compliance(filterOf(q), credentials, q.limit));
  });

  router.get('/trend', async (req, res) => {
    await reader(req);
    const q = parseInput(trendQuery, req.query);
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY);
    if (from > to) throw new InputError('Invalid query from: it is after to');
    res.json(
      await reports.trend(filterOf(q), from.toISOString(), to.toISOString()),
    );
  });

  router.get('/snapshots', async (req, res) => {
    await reader(req);
    const q = parseInput(snapshotsQuery, req.query);
    res.json({ snapshots: await store.snapshots({ limit: q.limit }) });
  });

  router.get('/export', async (req, res) => {
    const credentials = await access.credentials(
      req,
      kyvernoExportPermission,
      'You may not export policy-report evidence',
    );
    const q = parseInput(exportQuery, req.query);
    const filter = filterOf(q);
    const scope =
      q.snapshot !== undefined
        ? { snapshot: q.snapshot }
        : {
            from: new Date(q.from!).toISOString(),
            to: new Date(q.to!).toISOString(),
          };
    if (scope.from && scope.to && scope.from > scope.to) {
      throw new InputError('Invalid query from: it is after to');
    }
    if (q.snapshot !== undefined && !(await store.snapshot(q.snapshot))) {
      throw new NotFoundError(
        `No snapshot ${q.snapshot}: it may be older than the retention of ${options.retentionDays} days`,
      );
    }
    const user = credentials.principal.userEntityRef;
    // The audit row first: an export that cannot be recorded is not made.
    const auditId = await store.startExport({
      user,
      format: q.format,
      scope: { ...scope, filter },
    });
    try {
      const { rows } = await reports.exportRows(scope, filter, credentials);
      const label =
        q.snapshot !== undefined
          ? `snapshot-${q.snapshot}`
          : `${scope.from!.slice(0, 10)}-to-${scope.to!.slice(0, 10)}`;
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="kyverno-evidence-${label}.${q.format}"`,
      );
      if (q.format === 'csv') {
        res.type('text/csv; charset=utf-8').send(toCsv(rows));
      } else {
        res.json({
          columns: EXPORT_COLUMNS,
          scope,
          filter,
          exportedBy: user,
          rows,
        });
      }
      await store.finishExport(auditId, { outcome: 'done', rows: rows.length });
      logger.info(
        `Kyverno evidence export ${auditId} by ${user}: ${rows.length} rows (${q.format})`,
        {
          scope: JSON.stringify(scope),
        },
      );
    } catch (e) {
      await store
        .finishExport(auditId, { outcome: 'failed' })
        .catch(() => undefined);
      throw e;
    }
  });

  router.use(
    errorBoundary({
      logger,
      settings: options.errorSettings,
      pluginId: 'kyverno',
    }),
  );
  return router;
}
