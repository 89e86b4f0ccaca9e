import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  entityRouteRef,
  MockStarredEntitiesApi,
  starredEntitiesApiRef,
} from '@backstage/plugin-catalog-react';
import { StarredEntitiesCard } from './StarredEntitiesCard';

function render(starred: string[]) {
  const api = new MockStarredEntitiesApi();
  starred.forEach(ref => api.toggleStarred(ref));
  return renderInTestApp(<StarredEntitiesCard />, {
    apis: [[starredEntitiesApiRef, api]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('StarredEntitiesCard', () => {
  it('links to each starred entity', async () => {
    render(['component:default/svc-ledger', 'api:default/ledger-grpc']);
    expect(
      await screen.findByRole('link', { name: 'svc-ledger' }),
    ).toHaveAttribute('href', '/catalog/default/component/svc-ledger');
    expect(screen.getByRole('link', { name: 'ledger-grpc' })).toHaveAttribute(
      'href',
      '/catalog/default/api/ledger-grpc',
    );
  });

  it('explains how to star something when nothing is', async () => {
    render([]);
    expect(await screen.findByText(/Nothing starred yet/)).toBeInTheDocument();
  });
});
