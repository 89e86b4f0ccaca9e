import { screen, within } from '@testing-library/react';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import homePlugin from '@backstage/plugin-home/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import {
  catalogApiRef,
  entityRouteRef,
  MockStarredEntitiesApi,
  starredEntitiesApiRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { dlqApiRef } from '@internal/plugin-dlq';
import { runbooksApiRef } from '@internal/plugin-runbooks';
import { sloApiRef } from '@internal/plugin-slo';
import {
  board,
  burningLedger,
  deadLetters,
  ledger,
  PRODUCT_TEAM,
} from './__testUtils__/fixtures';
import { homeModule } from './homeModule';

/** Stands in for the search plugin's widget (same name, a plain input). */
const searchWidget = HomePageWidgetBlueprint.make({
  name: 'test-search-bar',
  params: {
    name: 'HomePageSearchBar',
    components: async () => ({
      Content: () => <input aria-label="Search" placeholder="Search" />,
    }),
  },
});

function render() {
  return renderTestApp({
    features: [homePlugin, homeModule],
    extensions: [searchWidget],
    // As app-config.yaml mounts it.
    config: {
      app: { extensions: [{ 'page:home': { config: { path: '/' } } }] },
    },
    initialRouteEntries: ['/'],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [
      mockApis.identity({
        userEntityRef: 'user:development/guest',
        ownershipEntityRefs: ['user:development/guest', PRODUCT_TEAM],
      }),
      [catalogApiRef, catalogApiMock({ entities: [ledger] })],
      [sloApiRef, { getBoard: async () => board }],
      [
        dlqApiRef,
        {
          getDeadLetters: async (ref: string) =>
            deadLetters(ref, [['critical', 1]]),
        },
      ],
      [
        runbooksApiRef,
        { getFiringAlerts: async () => ({ alerts: [burningLedger] }) },
      ],
      [starredEntitiesApiRef, new MockStarredEntitiesApi()],
    ],
  });
}

describe('the home page', () => {
  it('is a fixed layout: search, the team, alerts, creating and reviewing', async () => {
    render();

    // The team's service, and the alert it fires. The whole app renders
    // first, then the lazily loaded page: more than findBy's default second
    // on a busy machine.
    expect(
      await screen.findAllByRole(
        'link',
        { name: 'svc-ledger' },
        { timeout: 15_000 },
      ),
    ).toHaveLength(2);
    expect(
      await screen.findByRole('link', { name: 'SLO burn — svc-ledger' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('textbox', { name: 'Search' }),
    ).toBeInTheDocument();

    // Headings in order: one h1, then a level-2 heading per card.
    const headings = screen
      .getAllByRole('heading')
      .map(h => [Number(h.tagName.slice(1)), h.textContent]);
    expect(headings).toEqual([
      [1, 'Home'],
      [2, "My team's services"],
      [2, 'Alerts firing now (1)'],
      [2, 'Start something new'],
      [2, 'For reviewers'],
      [2, 'Starred entities'],
    ]);

    expect(
      screen.getByRole('link', { name: 'Create a service' }),
    ).toHaveAttribute('href', '/create');
    const reviewers = screen
      .getByRole('heading', { name: 'For reviewers' })
      .closest('.MuiCard-root') as HTMLElement;
    expect(
      within(reviewers)
        .getAllByRole('link')
        .map(l => [l.textContent, l.getAttribute('href')]),
    ).toEqual([
      ['Policy reports by control', '/compliance'],
      ['Compliance evidence', '/docs/default/component/docs/compliance/'],
      [
        'GDPR data retention policy',
        '/docs/default/component/docs/compliance/gdpr/data-retention-policy/',
      ],
      [
        'GDPR right to erasure',
        '/docs/default/component/docs/compliance/gdpr/right-to-erasure/',
      ],
      [
        'PCI-DSS cardholder data flow',
        '/docs/default/component/docs/compliance/pci-dss/cardholder-data-flow/',
      ],
      [
        'SOC2 access control policy',
        '/docs/default/component/docs/compliance/soc2/access-control-policy/',
      ],
      [
        'Kyverno policies',
        '/docs/default/component/docs/compliance/kyverno-policies/',
      ],
      ['Data ownership', '/data-ownership'],
    ]);

    // No editable grid, and none of plugin-home's other widgets.
    expect(screen.queryByText(/No widgets added/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Add widget|Edit/ }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Random Joke')).not.toBeInTheDocument();
  }, 30_000);
});
