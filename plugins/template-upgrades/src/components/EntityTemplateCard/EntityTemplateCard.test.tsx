import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  renderWithBackend,
  serveTemplateUpgrades,
} from '../__testUtils__/render';
import {
  errorBody,
  legacyDrift,
  pointsDrift,
  walletDrift,
} from '../__testUtils__/testData';
import { EntityTemplateCard } from './EntityTemplateCard';

const render = () =>
  renderWithBackend(<EntityTemplateCard />, { entity: true });

const notFound = () =>
  HttpResponse.json(
    errorBody(
      'NotFoundError',
      'component:default/svc-ledger was not generated from a template',
      404,
    ),
    { status: 404 },
  );

describe('EntityTemplateCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the release, how far behind, the notes of the next release and the link to the tab', async () => {
    const asked = serveTemplateUpgrades(server);
    await render();
    expect(
      await screen.findByText('1 release behind (1.2.0)'),
    ).toBeInTheDocument();
    expect(asked.entityDrift[0].pathname).toBe(
      '/api/template-upgrades/entities/component/default/svc-ledger/drift',
    );
    const card = screen.getByTestId('template-card');
    expect(within(card).getByText('Golden path')).toBeInTheDocument();
    expect(
      within(card).getByText('Release 1.1.0 of svc-typescript'),
    ).toBeInTheDocument();
    expect(
      within(card).getByRole('heading', { name: '1.2.0 — 2026-12-10' }),
    ).toBeInTheDocument();
    const notes = within(card).getAllByRole('listitem');
    expect(notes.map(n => n.textContent)).toEqual([
      'Node 22 in the Dockerfile and the CI workflow',
      'A readiness probe on /healthz/ready',
    ]);
    expect(
      within(card).getByRole('link', { name: /See the upgrade/ }),
    ).toHaveAttribute('href', '/catalog/default/component/svc-ledger/upgrade');
  });

  it('says "releases" and lists each release’s notes when more than one behind', async () => {
    serveTemplateUpgrades(server, { entityDrift: pointsDrift });
    await render();
    expect(
      await screen.findByText('2 releases behind (1.3.0)'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('heading', { level: 3 }).map(h => h.textContent),
    ).toEqual(['1.2.0 — 2026-12-10', '1.3.0 — 2026-12-20']);
    expect(
      screen.getByText('OpenTelemetry traces exported to the collector'),
    ).toBeInTheDocument();
  });

  it('says up to date, without a link to the tab', async () => {
    serveTemplateUpgrades(server, { entityDrift: walletDrift });
    await render();
    expect(await screen.findByText('Up to date')).toBeInTheDocument();
    expect(
      screen.getByText('Release 1.2.0 of svc-typescript'),
    ).toBeInTheDocument();
    expect(
      screen.getByText("It is at svc-typescript's newest release."),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /See the upgrade/ }),
    ).not.toBeInTheDocument();
  });

  it('says plainly why a service generated before releases were recorded cannot be upgraded', async () => {
    serveTemplateUpgrades(server, { entityDrift: legacyDrift });
    await render();
    expect(
      await screen.findByText('Cannot be upgraded from the portal'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/before the template recorded its releases/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /See the upgrade/ }),
    ).not.toBeInTheDocument();
  });

  it('says the template upgrades do not know the service when the backend answers 404', async () => {
    serveTemplateUpgrades(server, { entityDrift: notFound });
    await render();
    expect(await screen.findByText('No template record')).toBeInTheDocument();
    expect(
      screen.getByText(
        'It says it was generated from svc-typescript, but the template upgrades do not know it as generated: component:default/svc-ledger was not generated from a template',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /See the upgrade/ }),
    ).not.toBeInTheDocument();
  });

  it("shows the backend's words when it fails, and tries again", async () => {
    let calls = 0;
    serveTemplateUpgrades(server, {
      entityDrift: () => {
        calls += 1;
        return calls > 1
          ? HttpResponse.json(walletDrift())
          : HttpResponse.json(
              errorBody(
                'ServiceUnavailableError',
                'The catalog did not answer',
                503,
              ),
              { status: 503 },
            );
      },
    });
    await render();
    expect(
      await screen.findByText('The template cannot be read right now'),
    ).toBeInTheDocument();
    expect(screen.getByText('The catalog did not answer')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByText('Release 1.2.0 of svc-typescript'),
    ).toBeInTheDocument();
  });
});
