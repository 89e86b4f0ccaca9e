import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  renderWithBackend,
  serveTemplateUpgrades,
} from '../__testUtils__/render';
import { EntityUpgradeContent } from './EntityUpgradeContent';

// A file of its own: usePermission caches decisions for the whole session
// (stale-while-revalidate), so allowed and denied users cannot share one.
describe('EntityUpgradeContent for someone outside the owning team', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the proposal and its diffs without the button', async () => {
    const asked = serveTemplateUpgrades(server);
    await renderWithBackend(<EntityUpgradeContent />, {
      entity: true,
      allowCreate: false,
    });
    expect(
      await screen.findByText(
        'Creating it is for the service’s owning team and platform admins.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('From 1.1.0 to 1.2.0')).toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'Diff of Dockerfile' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Create the upgrade branch' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Open the pull request' }),
    ).not.toBeInTheDocument();
    expect(asked.upgrade).toHaveLength(0);
  });
});
