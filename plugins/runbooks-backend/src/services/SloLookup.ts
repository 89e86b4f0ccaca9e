import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { AlertServiceSlo } from '@internal/plugin-runbooks-common';
import { z } from 'zod';

/** The most urgent SLO of each service, or undefined when unknown. */
export interface SloLookup {
  byService(
    credentials: BackstageCredentials,
  ): Promise<Map<string, AlertServiceSlo> | undefined>;
}

const boardSchema = z.object({
  slos: z.array(
    z.object({
      service: z.string(),
      slo: z.string(),
      alert: z.enum(['page', 'ticket', 'ok']),
      errorBudget: z.object({ remainingRatio: z.number().optional() }),
    }),
  ),
});

/**
 * Asks the SLO plugin's board, on behalf of the user, for the SLO state of
 * every service. The on-call page shows it beside the alerts; if the SLO
 * plugin is missing or fails, the alerts are shown without it.
 */
export class SloBoardLookup implements SloLookup {
  constructor(
    private readonly deps: {
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      timeoutMs: number;
      fetch?: typeof fetch;
    },
  ) {}

  async byService(credentials: BackstageCredentials) {
    const { auth, discovery, logger, timeoutMs } = this.deps;
    try {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'slo',
      });
      const res = await (this.deps.fetch ?? fetch)(
        `${await discovery.getBaseUrl('slo')}/board`,
        {
          headers: { Authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(timeoutMs),
        },
      );
      if (!res.ok) throw new Error(`the SLO board answered ${res.status}`);
      const board = boardSchema.parse(await res.json());
      // The board is sorted most urgent first: keep each service's first SLO.
      const byService = new Map<string, AlertServiceSlo>();
      for (const s of board.slos) {
        if (!byService.has(s.service)) {
          byService.set(s.service, {
            slo: s.slo,
            alert: s.alert,
            budgetRemainingRatio: s.errorBudget.remainingRatio,
          });
        }
      }
      return byService;
    } catch (error) {
      logger.warn(`On-call page without SLO state: ${error}`);
      return undefined;
    }
  }
}
