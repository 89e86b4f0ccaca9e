import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { SCORECARDS_DOCS_PATH } from '@internal/plugin-scorecards-common';
import {
  AppConfig,
  renderWithBackend,
  serveScorecards,
} from '../__testUtils__/render';
import { errorBody, wallet } from '../__testUtils__/testData';
import { EntityScorecardCard } from './EntityScorecardCard';

const render = (config?: AppConfig) =>
  renderWithBackend(<EntityScorecardCard />, { entity: true, config });

describe('EntityScorecardCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the level, what blocks the next one, the counts and when it was collected', async () => {
    const asked = serveScorecards(server);
    await render();
    expect(
      await screen.findByText(
        'Next: Silver — blocked by: Runbooks for every alert, No critical or high policy failures',
      ),
    ).toBeInTheDocument();
    expect(asked.entity[0].pathname).toBe(
      '/api/scorecards/entities/component/default/svc-ledger',
    );
    expect(screen.getByText('Production readiness')).toBeInTheDocument();
    const chip = screen.getByText('Bronze').closest('.MuiChip-root');
    expect(chip).toHaveAttribute('data-level', 'bronze');
    expect(
      screen.getByText('6 passed · 3 failed · 1 unknown'),
    ).toBeInTheDocument();
    expect(screen.getByText('Collected 3 h ago')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /See every check/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-ledger/scorecard',
    );
  });

  it('says when every check passes', async () => {
    serveScorecards(server, { entity: wallet });
    await render();
    expect(
      await screen.findByText('Every check passes: nothing left to reach.'),
    ).toBeInTheDocument();
    expect(screen.getByText('Gold')).toBeInTheDocument();
  });

  it('says the service will be scored at the next collection while it has no scorecard', async () => {
    serveScorecards(server, {
      entity: () =>
        HttpResponse.json(
          errorBody(
            'NotFoundError',
            'component:default/svc-ledger has not been scored yet',
            404,
          ),
          { status: 404 },
        ),
    });
    await render({ scorecards: { frequencyMinutes: 5 } });
    expect(await screen.findByText('Not scored yet')).toBeInTheDocument();
    expect(
      screen.getByText(
        /^This service will be scored at the next collection \(every 5 minutes\)/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'How the scorecard rules work' }),
    ).toHaveAttribute('href', SCORECARDS_DOCS_PATH);
    // Nothing to see on the tab yet.
    expect(
      screen.queryByRole('link', { name: /See every check/ }),
    ).not.toBeInTheDocument();
  });

  it("shows the backend's words when it fails, and tries again", async () => {
    let calls = 0;
    serveScorecards(server, {
      entity: () => {
        calls += 1;
        return calls > 1
          ? HttpResponse.json(wallet())
          : HttpResponse.json(
              errorBody(
                'ServiceUnavailableError',
                'The scorecards database is unreachable',
                503,
              ),
              { status: 503 },
            );
      },
    });
    await render();
    expect(
      await screen.findByText('The scorecard cannot be read right now'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The scorecards database is unreachable'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Gold')).toBeInTheDocument();
  });
});
