import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { PluginSources, SourceError } from './PluginSources';

/** A stand-in for the other plugins: one HTTP server, answers per path. */
async function pluginsServer(
  answer: (
    path: string,
    auth?: string,
  ) => { status: number; body?: unknown; delayMs?: number },
) {
  const seen: { path: string; auth?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url!, auth: req.headers.authorization });
    const { status, body, delayMs } = answer(
      req.url!,
      req.headers.authorization,
    );
    setTimeout(() => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body ?? {}));
    }, delayMs ?? 0);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    close: () => new Promise(resolve => server.close(resolve)),
    sources: new PluginSources({
      discovery: {
        getBaseUrl: async (pluginId: string) =>
          `http://127.0.0.1:${port}/api/${pluginId}`,
        getExternalBaseUrl: async (pluginId: string) =>
          `http://127.0.0.1:${port}/api/${pluginId}`,
      },
      auth: mockServices.auth(),
      timeoutMs: 300,
    }),
  };
}

const ledger = { kind: 'component', namespace: 'default', name: 'svc-ledger' };

describe('PluginSources', () => {
  it('calls each plugin as this plugin, with a token for that plugin, and reads what the checks need', async () => {
    const server = await pluginsServer(path =>
      path.startsWith('/api/slo/')
        ? {
            status: 200,
            body: {
              slos: [
                {
                  slo: 'requests-availability',
                  errorBudget: { remainingRatio: 0.5 },
                  extra: 1,
                },
              ],
              errors: [],
              specProblems: [],
            },
          }
        : { status: 404 },
    );
    try {
      const slos = await server.sources.slos(ledger);
      expect(slos.slos[0].slo).toBe('requests-availability');
      expect(server.seen[0].path).toBe(
        '/api/slo/entities/component/default/svc-ledger/slos',
      );
      // A service token issued for the slo plugin, on behalf of this plugin.
      expect(server.seen[0].auth).toMatch(/^Bearer .*slo/);
      // No published site: undefined, not an error.
      expect(await server.sources.techdocsSite(ledger)).toBeUndefined();
      expect(server.seen[1].path).toBe(
        '/api/techdocs/metadata/techdocs/default/component/svc-ledger',
      );
    } finally {
      await server.close();
    }
  });

  it('names the source and the problem when an answer is an error, another shape or late', async () => {
    const server = await pluginsServer(path => {
      if (path.startsWith('/api/kyverno/'))
        return {
          status: 503,
          body: {
            error: { name: 'DependencyError', message: 'Kubernetes is down' },
          },
        };
      if (path.startsWith('/api/runbooks/'))
        return { status: 200, body: { runbooks: 'nope' } };
      if (path.startsWith('/api/dlq/'))
        return { status: 200, body: {}, delayMs: 1000 };
      return { status: 200, body: 'not json' };
    });
    try {
      await expect(server.sources.policyResults(ledger)).rejects.toEqual(
        new SourceError(
          'kyverno',
          'the kyverno plugin answered: Kubernetes is down',
        ),
      );
      await expect(server.sources.runbooks(ledger)).rejects.toThrow(
        /^the runbooks plugin answered an unexpected shape \(runbooks: /,
      );
      await expect(
        server.sources.deadLetters('component:default/svc-ledger'),
      ).rejects.toEqual(
        new SourceError('dlq', 'the dlq plugin did not answer within 300 ms'),
      );
      await expect(server.sources.slos(ledger)).rejects.toEqual(
        new SourceError('slo', 'the slo plugin answered non-JSON'),
      );
    } finally {
      await server.close();
    }
  });
});
