import { screen, within } from '@testing-library/react';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  SCORECARDS_DOCS_PATH,
  CHECKS,
} from '@internal/plugin-scorecards-common';
import { renderWithBackend, serveScorecards } from '../__testUtils__/render';
import { errorBody, ledger } from '../__testUtils__/testData';
import { EntityScorecardContent } from './EntityScorecardContent';

const render = () =>
  renderWithBackend(<EntityScorecardContent />, { entity: true });

/** Each row of a level's table: outcome, check title, detail. */
const rows = (level: string) =>
  within(screen.getByRole('table', { name: `${level} checks` }))
    .getAllByRole('row')
    .slice(1)
    .map(r => {
      const [outcome, detail] = within(r)
        .getAllByRole('cell')
        .map(c => c.textContent);
      const title = within(r)
        .getByRole('rowheader')
        .querySelector('p')!.textContent;
      return [outcome, title, detail];
    });

describe('EntityScorecardContent (the Scorecard tab)', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the level, then every check grouped by level with its outcome, detail and how to fix it', async () => {
    serveScorecards(server);
    await render();
    expect(
      await screen.findByRole('table', { name: 'Bronze checks' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Level')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Next: Silver — blocked by: Runbooks for every alert, No critical or high policy failures',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'How levels work' }),
    ).toHaveAttribute('href', SCORECARDS_DOCS_PATH);

    expect(rows('Bronze')).toEqual([
      ['Pass', 'Owner and on-call rotation', 'payments-team, on call: Ana'],
      ['Pass', 'TechDocs build', 'The site built 2 h ago.'],
      ['Pass', 'API definitions', 'ledger-api has a definition.'],
    ]);
    expect(rows('Silver')).toEqual([
      ['Pass', 'Availability and latency SLOs', 'availability and latency-p99'],
      [
        'Fail',
        'Runbooks for every alert',
        '2 alerts without a runbook: LedgerHighLatency, LedgerErrors',
      ],
      [
        'Fail',
        'No critical or high policy failures',
        '1 critical failure: require-run-as-non-root on Deployment svc-ledger/api',
      ],
      ['Pass', 'Clean data ownership', 'No finding.'],
    ]);
    expect(rows('Gold')).toEqual([
      [
        'Unknown',
        'Error budget left',
        "Prometheus 'prod' did not answer within 5 s",
      ],
      ['Pass', 'No dead letters on critical', 'No dead letter on critical.'],
      [
        'Fail',
        'On the newest golden-path release',
        'At 1.1.0, 1 release behind 1.2.0: see the Upgrade tab.',
      ],
    ]);
    expect(screen.getByText('2 of 4 checks pass')).toBeInTheDocument();

    // What a check asks, beside its title.
    expect(
      screen.getByText(
        'Every alert the service defines in Prometheus has a runbook, each reviewed within 90 days.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'How to fix: Runbooks for every alert',
      }),
    ).toHaveAttribute('href', `${SCORECARDS_DOCS_PATH}/#runbooks`);
    expect(screen.getAllByRole('link', { name: /^How to fix/ })).toHaveLength(
      CHECKS.length,
    );
  });

  it('shows a check the collection did not report as unknown', async () => {
    serveScorecards(server, {
      entity: () => {
        const card = ledger();
        return {
          ...card,
          checks: card.checks.filter(c => c.id !== 'dead-letters'),
        };
      },
    });
    await render();
    await screen.findByRole('table', { name: 'Gold checks' });
    expect(rows('Gold')[1]).toEqual([
      'Unknown',
      'No dead letters on critical',
      'Not evaluated in the latest collection.',
    ]);
  });

  it('says the service will be scored at the next collection, without check tables', async () => {
    serveScorecards(server, {
      entity: () =>
        HttpResponse.json(errorBody('NotFoundError', 'not scored yet', 404), {
          status: 404,
        }),
    });
    await render();
    expect(await screen.findByText('Not scored yet')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'How levels work' }),
    ).toBeInTheDocument();
  });
});
