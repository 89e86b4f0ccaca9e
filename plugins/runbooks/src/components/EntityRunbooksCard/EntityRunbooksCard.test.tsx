import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Runbook } from '@internal/plugin-runbooks-common';
import { RunbooksClient, runbooksApiRef } from '../../api/RunbooksClient';
import { EntityRunbooksCard } from './EntityRunbooksCard';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc-ledger', namespace: 'default' },
  spec: {},
};

const runbook = (id: string, title: string, stale: boolean): Runbook => ({
  entityRef: 'component:default/svc-ledger',
  id,
  title,
  alerts: ['SLOErrorBudgetBurnPage'],
  severity: 'page',
  owner: 'group:default/product-team',
  lastReviewed: stale ? '2026-06-01' : '2026-11-01',
  daysSinceReview: stale ? 177 : 24,
  stale,
  docsPath: `/docs/default/component/svc-ledger/runbooks/${id}/`,
});

describe('EntityRunbooksCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function render() {
    const client = new RunbooksClient({
      discoveryApi: {
        getBaseUrl: async () => 'http://backend.test/api/runbooks',
      },
      fetchApi: { fetch: (input, init) => fetch(input, init) },
    });
    return renderInTestApp(
      <TestApiProvider apis={[[runbooksApiRef, client]]}>
        <EntityProvider entity={entity}>
          <EntityRunbooksCard />
        </EntityProvider>
      </TestApiProvider>,
    );
  }

  it('lists runbooks with links into TechDocs and marks stale ones', async () => {
    server.use(
      http.get(
        'http://backend.test/api/runbooks/entities/Component/default/svc-ledger/runbooks',
        () =>
          HttpResponse.json({
            runbooks: [
              runbook('slo-burn', 'SLO burn', false),
              runbook('outbox', 'Outbox relay stalled', true),
            ],
            problems: [
              { file: 'runbooks/draft.md', message: 'no front matter' },
            ],
          }),
      ),
    );
    await render();
    const link = await screen.findByRole('link', { name: 'SLO burn' });
    expect(link).toHaveAttribute(
      'href',
      '/docs/default/component/svc-ledger/runbooks/slo-burn/',
    );
    expect(screen.getByText('stale: 177 days')).toBeInTheDocument();
    expect(screen.queryByText('stale: 24 days')).not.toBeInTheDocument();
    expect(
      screen.getByText('runbooks/draft.md: no front matter'),
    ).toBeInTheDocument();
  });

  it('explains how to add a runbook when there is none', async () => {
    server.use(
      http.get('*/runbooks', () =>
        HttpResponse.json({ runbooks: [], problems: [] }),
      ),
    );
    await render();
    expect(await screen.findByText('No runbooks yet')).toBeInTheDocument();
  });

  it('shows the error of the backend', async () => {
    server.use(
      http.get('*/runbooks', () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'You may not read runbooks',
            },
          },
          { status: 403 },
        ),
      ),
    );
    await render();
    expect(
      (await screen.findAllByText(/You may not read runbooks/))[0],
    ).toBeVisible();
  });

  it('says which docs could not be read, and tries again', async () => {
    let calls = 0;
    server.use(
      http.get('*/runbooks', () => {
        calls += 1;
        return calls > 1
          ? HttpResponse.json({ runbooks: [], problems: [] })
          : HttpResponse.json(
              {
                request: { method: 'GET', url: '/api/runbooks/x' },
                response: { statusCode: 503 },
                error: {
                  name: 'ServiceUnavailableError',
                  message:
                    'The docs of component:default/svc-ledger did not answer within 5 s: they are still being read; the runbooks show once they are (request id 0123456789ab)',
                },
              },
              { status: 503 },
            );
      }),
    );
    await render();
    expect(
      (
        await screen.findAllByText(
          /^Error: The docs of component:default\/svc-ledger did not answer within 5 s: .*\(request id 0123456789ab\)$/,
        )
      )[0],
    ).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No runbooks yet')).toBeInTheDocument();
  });
});
