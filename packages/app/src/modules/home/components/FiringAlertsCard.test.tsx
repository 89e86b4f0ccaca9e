import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { RunbooksApi, runbooksApiRef } from '@internal/plugin-runbooks';
import {
  backendError,
  burningLedger,
  orphan,
  walletQueue,
} from '../__testUtils__/fixtures';
import { FiringAlertsCard } from './FiringAlertsCard';

function render(getFiringAlerts: RunbooksApi['getFiringAlerts']) {
  return renderInTestApp(<FiringAlertsCard />, {
    apis: [[runbooksApiRef, { getFiringAlerts }]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('FiringAlertsCard', () => {
  it('shows an alert that starts firing while the page is open, without a reload', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      let firing: (typeof walletQueue)[] = [];
      render(async () => ({ alerts: firing }));
      expect(await screen.findByText('No alert is firing')).toBeInTheDocument();

      firing = [walletQueue];
      // Nothing yet: the card asks again every 30 s, not at once.
      await jest.advanceTimersByTimeAsync(10_000);
      expect(screen.getByText('No alert is firing')).toBeInTheDocument();
      await jest.advanceTimersByTimeAsync(20_000);
      expect(
        await screen.findByRole('heading', { name: 'Alerts firing now (1)' }),
      ).toBeInTheDocument();
      expect(screen.getByText('DeadLettersPilingUp')).toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });

  it('lists the firing alerts newest first, each with its runbook', async () => {
    render(async () => ({ alerts: [orphan, burningLedger, walletQueue] }));

    expect(
      await screen.findByRole('heading', { name: 'Alerts firing now (3)' }),
    ).toBeInTheDocument();
    const rows = screen.getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual([
      'DeadLettersPilingUp12 dead letters on wallet queues',
      'SLOErrorBudgetBurnPagesvc-ledger is burning its error budget 14x too fast',
      'DiskAlmostFull',
    ]);
    expect(
      within(rows[1]).getByRole('link', { name: 'SLO burn — svc-ledger' }),
    ).toHaveAttribute(
      'href',
      '/docs/default/component/svc-ledger/runbooks/slo-burn/',
    );
    expect(
      within(rows[1]).getByRole('link', { name: 'svc-ledger' }),
    ).toHaveAttribute('href', '/catalog/default/component/svc-ledger');
    expect(
      within(rows[0]).getByRole('link', { name: 'Dead letters piling up' }),
    ).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('not reviewed for a while'),
    ).toBeInTheDocument();
    // No runbook: said in its place.
    expect(
      within(rows[2]).getByText('No runbook at https://wiki.example/disk'),
    ).toBeInTheDocument();
    expect(within(rows[2]).getByText('svc-legacy')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Who is on call/ }),
    ).toHaveAttribute('href', '/on-call');
  });

  it('says plainly that nothing is firing', async () => {
    render(async () => ({ alerts: [] }));
    expect(await screen.findByText('No alert is firing')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('notes the services whose runbooks could not be read', async () => {
    render(async () => ({
      alerts: [burningLedger],
      unavailable: [
        {
          entityRef: 'component:default/svc-wallet',
          message: 'TechDocs did not answer in time',
        },
      ],
    }));
    expect(
      await screen.findByText(
        'Runbooks of component:default/svc-wallet are not shown: TechDocs did not answer in time',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('SLOErrorBudgetBurnPage')).toBeInTheDocument();
  });

  it('says what the runbooks backend answered, and tries again', async () => {
    const getFiringAlerts = jest
      .fn()
      .mockRejectedValueOnce(
        backendError(
          503,
          'ServiceUnavailableError',
          'Prometheus did not answer within 5000 ms',
          '/api/runbooks/alerts',
        ),
      )
      .mockResolvedValueOnce({ alerts: [] });
    render(getFiringAlerts);

    expect(
      await screen.findByText(
        /The firing alerts could not be loaded: Prometheus did not answer within 5000 ms/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No alert is firing')).toBeInTheDocument();
  });
});
