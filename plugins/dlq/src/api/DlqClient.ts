import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  BulkJob,
  BulkRequest,
  DeadLetter,
  DeadLetterAction,
  DeadLetterFilter,
  DeadLetterList,
  DiscardRequest,
  QueueBacklogList,
  ReplayRequest,
} from '@internal/plugin-dlq-common';

/** What the dead-letter list may be asked for. */
export type DeadLetterListOptions = DeadLetterFilter & {
  limit?: number;
  reveal?: boolean;
  /** nextCursor of the previous page. */
  cursor?: string;
};

export type {
  BulkJob,
  BulkRequest,
  DeadLetterFilter,
  QueueBacklog,
  QueueBacklogList,
  DeadLetter,
  DeadLetterAction,
  DeadLetterList,
  DeadLetterQueueDepth,
  DiscardRequest,
  ReplayRequest,
} from '@internal/plugin-dlq-common';

/** The dead-letter backend, as the signed-in user sees it. */
export interface DlqApi {
  /**
   * The entity's dead letters, newest first, and the depth of each queue;
   * payloads masked, or `reveal`ed to a platform admin (audited).
   */
  getDeadLetters(
    entityRef: string,
    options?: DeadLetterListOptions,
  ): Promise<DeadLetterList>;
  /** Starts a bulk replay or discard; it goes on in the background. */
  startBulk(request: BulkRequest): Promise<BulkJob>;
  getBulkJob(id: number): Promise<BulkJob>;
  /** The entity's bulk jobs, newest first. */
  getBulkJobs(entityRef: string): Promise<BulkJob[]>;
  cancelBulkJob(id: number): Promise<BulkJob>;
  /** Waiting, in-flight and delayed tasks of the entity's queues. */
  getBacklog(entityRef: string): Promise<QueueBacklogList>;
  /** Puts one dead letter back on its original queue, retries reset. */
  replay(request: ReplayRequest): Promise<DeadLetter>;
  /** Removes one dead letter for good; the reason goes to the audit trail. */
  discard(request: DiscardRequest): Promise<DeadLetter>;
  /** The latest replays and discards of the entity's dead letters. */
  getActions(
    entityRef: string,
    options?: { limit?: number },
  ): Promise<DeadLetterAction[]>;
}

export const dlqApiRef = createApiRef<DlqApi>({ id: 'plugin.dlq' });

/** Calls the dead-letter backend with the user's token (through fetchApi). */
export class DlqClient implements DlqApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getDeadLetters(entityRef: string, options: DeadLetterListOptions = {}) {
    const { limit, reveal, ...rest } = options;
    const query = new URLSearchParams({
      entityRef,
      limit: String(limit ?? 200),
    });
    if (reveal) query.set('reveal', 'true');
    for (const [key, value] of Object.entries(rest)) {
      if (value !== undefined && value !== '') query.set(key, String(value));
    }
    return this.request<DeadLetterList>(`/dead-letters?${query}`);
  }

  async startBulk(request: BulkRequest) {
    const body = await this.request<{ job: BulkJob }>(
      '/dead-letters/bulk',
      request,
    );
    return body.job;
  }

  async getBulkJob(id: number) {
    const body = await this.request<{ job: BulkJob }>(
      `/dead-letters/bulk/${encodeURIComponent(String(id))}`,
    );
    return body.job;
  }

  async getBulkJobs(entityRef: string) {
    const query = new URLSearchParams({ entityRef });
    const body = await this.request<{ items: BulkJob[] }>(
      `/dead-letters/bulk?${query}`,
    );
    return body.items;
  }

  async cancelBulkJob(id: number) {
    const body = await this.request<{ job: BulkJob }>(
      `/dead-letters/bulk/${encodeURIComponent(String(id))}/cancel`,
      {},
    );
    return body.job;
  }

  getBacklog(entityRef: string) {
    const query = new URLSearchParams({ entityRef });
    return this.request<QueueBacklogList>(`/backlog?${query}`);
  }

  async replay(request: ReplayRequest) {
    const body = await this.request<{ replayed: DeadLetter }>(
      '/dead-letters/replay',
      request,
    );
    return body.replayed;
  }

  async discard(request: DiscardRequest) {
    const body = await this.request<{ discarded: DeadLetter }>(
      '/dead-letters/discard',
      request,
    );
    return body.discarded;
  }

  async getActions(entityRef: string, options?: { limit?: number }) {
    const query = new URLSearchParams({
      entityRef,
      limit: String(options?.limit ?? 50),
    });
    const body = await this.request<{ items: DeadLetterAction[] }>(
      `/actions?${query}`,
    );
    return body.items;
  }

  private async request<T>(path: string, json?: unknown): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('dlq');
    const res = await this.deps.fetchApi.fetch(
      `${base}${path}`,
      json === undefined
        ? undefined
        : {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(json),
          },
    );
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}
