import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { renderWithBackend, serveScorecards } from '../__testUtils__/render';
import {
  collection,
  errorBody,
  ledger,
  merchant,
  wallet,
} from '../__testUtils__/testData';
import { ScorecardsPage } from './ScorecardsPage';

const render = () =>
  renderWithBackend(<ScorecardsPage />, { allowRefresh: true });

/** The text of each body row's cells, row header first. */
const rows = (name: string) =>
  within(screen.getByRole('table', { name }))
    .getAllByRole('row')
    .filter(r => within(r).queryAllByRole('columnheader').length === 0)
    .map(r =>
      [
        ...within(r).queryAllByRole('rowheader'),
        ...within(r).queryAllByRole('cell'),
      ].map(c => c.textContent),
    );

describe('ScorecardsPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the latest collection and the sources it could not read', async () => {
    serveScorecards(server);
    await render();
    expect(
      await screen.findByTestId('scorecards-collection'),
    ).toHaveTextContent(
      /^Latest collection 3 h ago \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\) · 3 services · took 4\.2 s$/,
    );
    expect(
      screen.getByText(/Some sources could not be read/),
    ).toBeInTheDocument();
    expect(screen.getByText('prometheus').closest('li')).toHaveTextContent(
      "prometheus (2 services): Prometheus 'prod' did not answer within 5 s",
    );
  });

  it('ranks the checks as the backend does, with how to fix them and the failing services', async () => {
    serveScorecards(server);
    await render();
    const name = 'Checks by number of failing services';
    await screen.findByRole('table', { name });
    expect(rows(name)).toEqual([
      [
        'Runbooks for every alertHow to fix',
        'Silver',
        '2',
        '0',
        'svc-ledger, svc-merchant',
      ],
      [
        'Owner and on-call rotationHow to fix',
        'Bronze',
        '1',
        '0',
        'svc-merchant',
      ],
      ['Error budget leftHow to fix', 'Gold', '0', '1', '—'],
    ]);
    const table = screen.getByRole('table', { name });
    expect(
      within(table).getByRole('link', {
        name: 'How to fix: Runbooks for every alert',
      }),
    ).toHaveAttribute(
      'href',
      '/docs/default/component/docs/scorecards/#runbooks',
    );
    expect(
      within(table).getAllByRole('link', { name: /svc-merchant/ })[0],
    ).toHaveAttribute('href', '/catalog/default/component/svc-merchant');
    expect(
      screen.getByText('The checks by how many of the 3 services fail them'),
    ).toBeInTheDocument();
  });

  it('rolls up by team first, then by system or domain', async () => {
    const asked = serveScorecards(server);
    await render();
    const byTeam = 'Levels and checks by team';
    await screen.findByRole('table', { name: byTeam });
    expect(asked.rollups.map(u => u.searchParams.get('by'))).toEqual(['owner']);
    expect(screen.getByRole('radio', { name: 'Team' })).toBeChecked();

    const [payments, noOwner] = rows(byTeam);
    // Team, services, None, Bronze, Silver, Gold, then each check's pass rate.
    expect(payments.slice(0, 6)).toEqual([
      'payments-team',
      '2',
      '0',
      '1',
      '0',
      '1',
    ]);
    expect(payments[6]).toBe('100%'); // Owner and on-call rotation: 2 of 2
    expect(payments[10]).toBe('50%'); // Runbooks for every alert: 1 of 2
    expect(payments[13]).toBe('0%1 unknown'); // Error budget left
    expect(noOwner.slice(0, 6)).toEqual(['No owner', '1', '1', '0', '0', '0']);
    expect(
      within(screen.getByRole('table', { name: byTeam })).getByRole('link', {
        name: /payments-team/,
      }),
    ).toHaveAttribute('href', '/catalog/default/group/payments-team');

    await userEvent.click(screen.getByRole('radio', { name: 'System' }));
    const bySystem = 'Levels and checks by system';
    await screen.findByRole('table', { name: bySystem });
    expect(rows(bySystem).map(r => r[0])).toEqual(['loyalty', 'No system']);

    await userEvent.click(screen.getByRole('radio', { name: 'Domain' }));
    const byDomain = 'Levels and checks by domain';
    await screen.findByRole('table', { name: byDomain });
    expect(rows(byDomain).map(r => r[0])).toEqual(['finance', 'No domain']);
    expect(asked.rollups.map(u => u.searchParams.get('by'))).toEqual([
      'owner',
      'system',
      'domain',
    ]);
  });

  it('charts the levels over 30 days, and says what the chart shows', async () => {
    const asked = serveScorecards(server);
    await render();
    expect(
      await screen.findByText(
        'Since 1 May 2025 (3 collections): Gold 1 → 1, Silver 0 → 0, Bronze 0 → 1, None 2 → 1.',
      ),
    ).toBeInTheDocument();
    expect(asked.trend[0].searchParams.get('days')).toBe('30');
    const chart = screen.getByRole('img', {
      name: /number of services at each level/,
    });
    await waitFor(() =>
      expect(chart.querySelectorAll('.recharts-line')).toHaveLength(4),
    );
    expect(chart.querySelector('.recharts-legend-wrapper')).toHaveTextContent(
      'GoldSilverBronzeNone',
    );
  });

  it("lists every service's level, owner and failing checks", async () => {
    serveScorecards(server);
    await render();
    expect(await screen.findByText('Every service (3)')).toBeInTheDocument();
    const table = screen
      .getByText('Every service (3)')
      .closest('.MuiPaper-root')!;
    const body = [...table.querySelectorAll('tbody tr')].map(r =>
      [...r.querySelectorAll('td')].map(c => c.textContent),
    );
    expect(body).toEqual([
      [
        'svc-ledger',
        'payments-team',
        'Bronze',
        'Runbooks for every alert, No critical or high policy failures, On the newest golden-path releaseUnknown: Error budget left',
      ],
      ['svc-wallet', 'product-team', 'Gold', 'None: every check passes'],
      ['svc-merchant', '—', 'None', 'Owner and on-call rotation'],
    ]);
  });

  it('collects now for a platform admin, then shows the new collection', async () => {
    let collected = false;
    const asked = serveScorecards(server, {
      scorecards: () => ({
        collection: collected
          ? {
              ...collection(),
              id: 43,
              services: 4,
              at: new Date().toISOString(),
            }
          : collection(),
        services: [ledger(), wallet(), merchant()],
      }),
      refresh: () => {
        collected = true;
        return { ...collection(), id: 43, services: 4, durationMs: 1500 };
      },
    });
    await render();
    await screen.findByTestId('scorecards-collection');
    await userEvent.click(
      await screen.findByRole('button', { name: 'Collect now' }),
    );
    expect(
      await screen.findByText('Collected 4 services in 1.5 s.'),
    ).toBeInTheDocument();
    expect(asked.refresh).toHaveLength(1);
    expect(asked.refresh[0].method).toBe('POST');
    // Every card reads the new collection.
    expect(
      await screen.findByText(/^Latest collection just now/),
    ).toBeInTheDocument();
    await waitFor(() => expect(asked.ranking).toHaveLength(2));
    expect(asked.rollups).toHaveLength(2);
    expect(asked.trend).toHaveLength(2);
  });

  it('says why a collection could not run', async () => {
    const asked = serveScorecards(server, {
      refresh: () =>
        HttpResponse.json(
          errorBody(
            'ConflictError',
            'A collection is already running (started 20 s ago)',
            409,
          ),
          { status: 409 },
        ),
    });
    await render();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Collect now' }),
    );
    expect(
      await screen.findByText(
        'The collection failed: A collection is already running (started 20 s ago)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Collect now' })).toBeEnabled();
    expect(asked.scorecards).toHaveLength(1);
  });

  it('says when no collection has run yet', async () => {
    serveScorecards(server, {
      scorecards: () => ({ services: [] }),
      ranking: () => ({ services: 0, checks: [] }),
      rollups: by => ({ by, rows: [] }),
      trend: () => ({ points: [], retentionDays: 90 }),
    });
    await render();
    expect(await screen.findByText(/^No collection yet/)).toBeInTheDocument();
    expect(screen.getByText('No service scored yet')).toBeInTheDocument();
    expect(
      screen.getByText('No collection in the last 30 days.'),
    ).toBeInTheDocument();
  });

  it('keeps the other cards when one route fails', async () => {
    serveScorecards(server, {
      ranking: () =>
        HttpResponse.json(
          errorBody('ServiceUnavailableError', 'The database is down', 503),
          { status: 503 },
        ),
    });
    await render();
    expect(
      await screen.findByText('The ranking cannot be read right now'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Every service (3)')).toBeInTheDocument();
  });
});
