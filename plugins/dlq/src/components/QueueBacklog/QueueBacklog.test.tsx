import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { backlog } from '../__testUtils__/testData';
import { QueueBacklogTable } from './QueueBacklog';

describe('QueueBacklogTable', () => {
  it('shows each queue by priority, with the seed threshold and what could not be read', async () => {
    await renderInTestApp(<QueueBacklogTable backlog={backlog} />);
    expect(
      screen.getByText(
        /Dramatiq queues are shared by every service: these are the whole queues\. More than 1,000 waiting tasks means scale the workers\./,
      ),
    ).toBeInTheDocument();
    const rows = within(
      screen.getByRole('table', { name: 'Queue backlog' }),
    ).getAllByRole('row');
    expect(
      rows.slice(1).map(r =>
        within(r)
          .getAllByRole('cell')
          .map(c => c.textContent)
          .join(' | '),
      ),
    ).toEqual([
      'critical | 4 | 2 | 1 | 1 min ago | ok',
      'high | 0 | 0 | 0 | — | ok',
      'default | 1,500 | 20 | 3 | 40 min ago | scale workers',
      'low | 2 | 0 | 0 | — | okthe oldest waiting message m-1 cannot be read: not JSON',
    ]);
  });
});
