import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { PermissionApi } from '@backstage/plugin-permission-react';
import {
  renderWithBackend,
  serveTemplateUpgrades,
} from '../__testUtils__/render';
import { errorBody, proposal, upgradeResult } from '../__testUtils__/testData';
import { EntityUpgradeContent } from './EntityUpgradeContent';

type PermissionRequest = Parameters<PermissionApi['authorize']>[0];

const render = (permissionRequests?: PermissionRequest[]) =>
  renderWithBackend(<EntityUpgradeContent />, {
    entity: true,
    allowCreate: true,
    permissionRequests,
  });

describe('EntityUpgradeContent for the owning team', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the releases, the summary, the conflicts and every file with its diff', async () => {
    const asked = serveTemplateUpgrades(server);
    const permissionRequests: PermissionRequest[] = [];
    await render(permissionRequests);
    expect(await screen.findByText('From 1.1.0 to 1.2.0')).toBeInTheDocument();
    expect(asked.proposal[0].pathname).toBe(
      '/api/template-upgrades/entities/component/default/svc-ledger/proposal',
    );
    const tab = screen.getByTestId('upgrade-tab');
    expect(
      within(tab).getByRole('heading', { name: '1.2.0 — 2026-12-10' }),
    ).toBeInTheDocument();
    expect(
      within(tab).getByText('A readiness probe on /healthz/ready'),
    ).toBeInTheDocument();
    expect(
      within(tab).getByText(
        '3 files changed by the template, 1 merged with your changes, 1 conflict, 2 of your changes kept',
      ),
    ).toBeInTheDocument();

    // The conflicts: which files, and that nothing is overwritten silently.
    const conflicts = screen.getByRole('alert');
    expect(
      within(conflicts).getByText('1 conflict to resolve by hand'),
    ).toBeInTheDocument();
    expect(
      within(conflicts).getByText('k8s/deployment.yaml'),
    ).toBeInTheDocument();
    expect(conflicts).toHaveTextContent(
      'for you to resolve by hand before merging: nothing is overwritten silently.',
    );

    // One section per file, with the change in words and the diff.
    const dockerfile = screen.getByRole('region', { name: 'Dockerfile' });
    expect(within(dockerfile).getByText('Template')).toBeInTheDocument();
    const diff = within(dockerfile).getByRole('region', {
      name: 'Diff of Dockerfile',
    });
    expect(diff.tagName).toBe('PRE');
    expect(diff).toHaveAttribute('tabindex', '0');
    expect(within(diff).getByText('+FROM node:22-alpine')).toHaveAttribute(
      'data-diff-line',
      'added',
    );
    expect(within(diff).getByText('-FROM node:20-alpine')).toHaveAttribute(
      'data-diff-line',
      'removed',
    );
    expect(within(diff).getByText('WORKDIR /app')).toHaveAttribute(
      'data-diff-line',
      'context',
    );
    expect(within(diff).getByText('@@ -1,3 +1,3 @@')).toHaveAttribute(
      'data-diff-line',
      'hunk',
    );
    // The text of the diff is the diff, + and − included.
    expect(diff.textContent).toBe(proposal().files[0].diff);

    const merged = screen.getByRole('region', {
      name: '.github/workflows/ci.yaml',
    });
    expect(within(merged).getByText('Merged')).toBeInTheDocument();
    const conflicted = screen.getByRole('region', {
      name: 'k8s/deployment.yaml',
    });
    expect(within(conflicted).getByText('Conflict')).toBeInTheDocument();
    expect(
      within(conflicted).getByText('+<<<<<<< svc-ledger'),
    ).toBeInTheDocument();

    // The service's own changes, kept: listed, without a diff.
    for (const path of ['src/app/routes/accounts.ts', 'README.md']) {
      const kept = screen.getByRole('region', { name: path });
      expect(within(kept).getByText('Kept')).toBeInTheDocument();
      expect(within(kept).getByText(/^Your change, kept/)).toBeInTheDocument();
      expect(kept.querySelector('pre')).toBeNull();
    }

    expect(
      await screen.findByRole('button', { name: 'Create the upgrade branch' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'The branch template-upgrade/1.2.0 in /srv/git/svc-ledger; merge it once reviewed.',
      ),
    ).toBeInTheDocument();
    expect(permissionRequests).toContainEqual({
      permission: expect.objectContaining({ name: 'template-upgrades.create' }),
      resourceRef: 'component:default/svc-ledger',
    });
    expect(asked.upgrade).toHaveLength(0);
  });

  it('creates the upgrade branch with a POST and shows the branch and the commit', async () => {
    const asked = serveTemplateUpgrades(server);
    await render();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create the upgrade branch' }),
    );
    expect(
      await screen.findByText('Upgrade branch created: 1.1.0 to 1.2.0'),
    ).toBeInTheDocument();
    expect(asked.upgrade).toHaveLength(1);
    expect(asked.upgrade[0].method).toBe('POST');
    expect(new URL(asked.upgrade[0].url).pathname).toBe(
      '/api/template-upgrades/entities/component/default/svc-ledger/upgrade',
    );
    expect(await asked.upgrade[0].text()).toBe('');
    const created = screen.getByTestId('upgrade-created');
    expect(created).toHaveTextContent(
      'Branch template-upgrade/1.2.0, commit 3f9a2c1.',
    );
    expect(within(created).getByText('3f9a2c1')).toHaveAttribute(
      'title',
      upgradeResult().commit,
    );
    expect(
      screen.getByText(
        'Resolve the conflict markers in k8s/deployment.yaml before merging.',
      ),
    ).toBeInTheDocument();
    // Created once: the button is gone.
    expect(
      screen.queryByRole('button', { name: 'Create the upgrade branch' }),
    ).not.toBeInTheDocument();
  });

  it('opens the pull request on GitHub and links it', async () => {
    serveTemplateUpgrades(server, {
      proposal: () => proposal('github-pull-request'),
      upgrade: () => ({
        ...upgradeResult(),
        conflicts: [],
        pullRequestUrl: 'https://github.com/local-plus/svc-ledger/pull/42',
      }),
    });
    await render();
    expect(
      await screen.findByText(
        'A pull request from the branch template-upgrade/1.2.0 on local-plus/svc-ledger.',
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Open the pull request' }),
    );
    expect(
      await screen.findByText('Pull request opened: 1.1.0 to 1.2.0'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /See the pull request/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/local-plus/svc-ledger/pull/42',
    );
  });

  it("shows the backend's words when the upgrade cannot be created", async () => {
    serveTemplateUpgrades(server, {
      upgrade: () =>
        HttpResponse.json(
          errorBody(
            'ServiceUnavailableError',
            'The repository /srv/git/svc-ledger has uncommitted changes',
            503,
          ),
          { status: 503 },
        ),
    });
    await render();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create the upgrade branch' }),
    );
    expect(
      await screen.findByText(
        'The upgrade could not be created: The repository /srv/git/svc-ledger has uncommitted changes',
      ),
    ).toBeInTheDocument();
    // It can be tried again.
    expect(
      screen.getByRole('button', { name: 'Create the upgrade branch' }),
    ).toBeEnabled();
  });

  it('says there is nothing to upgrade when the backend answers 409', async () => {
    serveTemplateUpgrades(server, {
      proposal: () =>
        HttpResponse.json(
          errorBody(
            'ConflictError',
            'svc-ledger is at 1.2.0, the newest release of svc-typescript',
            409,
          ),
          { status: 409 },
        ),
    });
    await render();
    expect(
      await screen.findByText(
        'Nothing to upgrade: svc-ledger is at 1.2.0, the newest release of svc-typescript',
      ),
    ).toBeInTheDocument();
    // A state, not an error panel, and nothing to create.
    expect(screen.queryByText(/Error/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Try again' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Create the upgrade branch' }),
    ).not.toBeInTheDocument();
  });

  it('says the repository cannot be read when the backend answers 503', async () => {
    serveTemplateUpgrades(server, {
      proposal: () =>
        HttpResponse.json(
          errorBody(
            'ServiceUnavailableError',
            'The repository /srv/git/svc-ledger cannot be read',
            503,
          ),
          { status: 503 },
        ),
    });
    await render();
    expect(
      await screen.findByText('The upgrade proposal cannot be read right now'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The repository /srv/git/svc-ledger cannot be read'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeEnabled();
  });
});
