import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { renderWithBackend, serveScorecards } from '../__testUtils__/render';
import { ScorecardsPage } from './ScorecardsPage';

// A file of its own: usePermission caches decisions for the whole session
// (stale-while-revalidate), so allowed and denied users cannot share one.
describe('ScorecardsPage for someone without scorecards.refresh', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the scorecards without "Collect now"', async () => {
    const asked = serveScorecards(server);
    await renderWithBackend(<ScorecardsPage />, { allowRefresh: false });
    expect(await screen.findByText('Every service (3)')).toBeInTheDocument();
    expect(
      await screen.findByRole('table', {
        name: 'Checks by number of failing services',
      }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Collect now' }),
    ).not.toBeInTheDocument();
    expect(asked.refresh).toHaveLength(0);
  });
});
