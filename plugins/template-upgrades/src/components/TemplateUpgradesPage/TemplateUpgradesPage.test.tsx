import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  renderWithBackend,
  serveTemplateUpgrades,
} from '../__testUtils__/render';
import { errorBody, walletDrift } from '../__testUtils__/testData';
import { TemplateUpgradesPage } from './TemplateUpgradesPage';

/** The table's body rows, each as its cells' text. */
const rows = () =>
  within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent),
    );

describe('TemplateUpgradesPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows each template’s release, how many services are behind, and those services as served', async () => {
    const asked = serveTemplateUpgrades(server);
    await renderWithBackend(<TemplateUpgradesPage />);
    expect(
      await screen.findByText('2 of 4 generated services are behind'),
    ).toBeInTheDocument();
    expect(asked.drift[0].pathname).toBe('/api/template-upgrades/drift');
    const page = screen.getByTestId('template-upgrades-page');
    expect(
      within(page)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      'svc-python: newest release 1.3.0',
      'svc-typescript: newest release 1.2.0',
    ]);

    // Only the services behind, by default, most behind first.
    const onlyBehind = screen.getByRole('checkbox', {
      name: 'Only services behind',
    });
    expect(onlyBehind).toBeChecked();
    expect(screen.getByText('Services behind (2)')).toBeInTheDocument();
    expect(rows()).toEqual([
      [
        'svc-points',
        'loyalty-team',
        'svc-python',
        '1.1.0',
        'Behind',
        '2',
        'OpenTelemetry traces exported to the collector',
      ],
      [
        'Ledger',
        'payments-team',
        'svc-typescript',
        '1.1.0',
        'Behind',
        '1',
        'Node 22 in the Dockerfile and the CI workflow',
      ],
    ]);
    expect(screen.getByRole('link', { name: 'Ledger' })).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-ledger',
    );
    expect(
      screen.getAllByRole('link', { name: 'payments-team' })[0],
    ).toHaveAttribute('href', '/catalog/default/group/payments-team');

    // Every generated service, in the same order.
    await userEvent.click(onlyBehind);
    expect(onlyBehind).not.toBeChecked();
    expect(
      await screen.findByText('Every generated service (4)'),
    ).toBeInTheDocument();
    expect(rows().map(r => [r[0], r[4], r[5]])).toEqual([
      ['svc-points', 'Behind', '2'],
      ['Ledger', 'Behind', '1'],
      ['svc-legacy', 'Not upgradable', '—'],
      ['svc-wallet', 'Up to date', '0'],
    ]);
  });

  it('says so when no service is behind', async () => {
    serveTemplateUpgrades(server, {
      drift: () => ({
        templates: [
          { template: 'template:default/svc-typescript', current: '1.2.0' },
        ],
        services: [walletDrift()],
      }),
    });
    await renderWithBackend(<TemplateUpgradesPage />);
    expect(
      await screen.findByText('0 of 1 generated service is behind'),
    ).toBeInTheDocument();
    expect(screen.getByText('Services behind (0)')).toBeInTheDocument();
    expect(screen.getByText(/^No service is behind/)).toBeInTheDocument();
  });

  it("shows the backend's words when the drift cannot be read", async () => {
    serveTemplateUpgrades(server, {
      drift: () =>
        HttpResponse.json(
          errorBody('NotAllowedError', 'Signed-in users only', 403),
          { status: 403 },
        ),
    });
    await renderWithBackend(<TemplateUpgradesPage />);
    expect(
      await screen.findByText('You are not allowed to read template upgrades'),
    ).toBeInTheDocument();
    expect(screen.getByText('Signed-in users only')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
