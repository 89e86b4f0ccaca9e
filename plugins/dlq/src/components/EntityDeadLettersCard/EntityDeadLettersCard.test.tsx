import { screen, within } from '@testing-library/react';
import {
  entityRef,
  fraudAlert,
  list,
  mockDlqApi,
  renderWithApis,
  rollback,
  VALKEY_DOWN,
  valkeyDown,
} from '../__testUtils__/testData';
import { EntityDeadLettersCard } from './EntityDeadLettersCard';

const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

const render = (dlq: ReturnType<typeof mockDlqApi>) =>
  renderWithApis(<EntityDeadLettersCard />, { dlq });

const row = (queue: string) =>
  [
    ...screen
      .getByRole('table', { name: 'Dead letters per queue' })
      .querySelectorAll<HTMLElement>('tbody tr'),
  ].find(r => r.querySelector('td')?.textContent === queue)!;

const cells = (r: HTMLElement) =>
  [...r.querySelectorAll('td')].map(c => c.textContent);

describe('EntityDeadLettersCard', () => {
  it('shows progress while loading', async () => {
    const dlq = mockDlqApi({ getDeadLetters: () => new Promise(() => {}) });
    await render(dlq);
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('pages on any dead letter on critical, and shows each queue with its oldest entry', async () => {
    const dlq = mockDlqApi({
      getDeadLetters: async () =>
        list(
          [rollback, fraudAlert],
          [
            { queue: 'high', depth: 3, oldestDeadLetteredAt: ago(26 * HOUR) },
            {
              queue: 'critical',
              depth: 2,
              oldestDeadLetteredAt: ago(3 * HOUR),
            },
            { queue: 'low', depth: 0 },
          ],
        ),
    });
    await render(dlq);
    expect(await screen.findByText('2 dead letters')).toBeInTheDocument();
    expect(dlq.getDeadLetters).toHaveBeenCalledWith(entityRef, { limit: 1 });
    expect(
      screen.getByText(/A critical task has given up/),
    ).toBeInTheDocument();

    // Highest priority first: critical, high, low.
    const queues = [
      ...screen
        .getByRole('table', { name: 'Dead letters per queue' })
        .querySelectorAll('tbody tr'),
    ].map(r => r.querySelector('td')?.textContent);
    expect(queues).toEqual(['critical', 'high', 'low']);

    const critical = row('critical');
    expect(cells(critical)).toEqual(['critical', '2', '3 h ago', 'page']);
    expect(within(critical).getByLabelText('Status error')).toBeInTheDocument();
    expect(within(critical).getByText('page')).toBeInTheDocument();

    const high = row('high');
    expect(cells(high)).toEqual(['high', '3', '26 h ago', 'classify']);
    expect(within(high).getByLabelText('Status pending')).toBeInTheDocument();

    const low = row('low');
    expect(cells(low)).toEqual(['low', '0', '—', 'ok']);
    expect(within(low).getByLabelText('Status ok')).toBeInTheDocument();

    expect(
      screen.getByRole('link', { name: /Inspect, replay or discard/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-ledger/dead-letters',
    );
  });

  it('opens a ticket when more than 10 pile up on another queue', async () => {
    const dlq = mockDlqApi({
      getDeadLetters: async () => ({
        ...list(
          [],
          [{ queue: 'high', depth: 11, oldestDeadLetteredAt: ago(HOUR) }],
        ),
        total: 11,
      }),
    });
    await render(dlq);
    expect(await screen.findByText('11 dead letters')).toBeInTheDocument();
    expect(screen.getByText(/More than 10 dead letters/)).toBeInTheDocument();
    const high = row('high');
    expect(within(high).getByText('ticket')).toBeInTheDocument();
    expect(within(high).getByLabelText('Status warning')).toBeInTheDocument();
  });

  it('says when there are no dead letters', async () => {
    const dlq = mockDlqApi({
      getDeadLetters: async () => list([], []),
    });
    await render(dlq);
    expect(await screen.findByText('No dead letters')).toBeInTheDocument();
    expect(
      screen.getByText('Nothing has exhausted its retries (dramatiq:ledger.).'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says why when Valkey cannot be reached, inside the card only', async () => {
    const dlq = mockDlqApi({
      getDeadLetters: valkeyDown,
    });
    await render(dlq);
    expect(
      await screen.findByText('Dead letters cannot be read right now'),
    ).toBeInTheDocument();
    expect(screen.getByText(VALKEY_DOWN)).toBeInTheDocument();
    expect(screen.getByText('Dead letters')).toBeInTheDocument();
  });

  it('tries again when asked, and shows the dead letters once Valkey is back', async () => {
    let down = true;
    const dlq = mockDlqApi({
      getDeadLetters: async () => {
        if (down) return valkeyDown();
        return list([], []);
      },
    });
    await render(dlq);
    const again = await screen.findByRole('button', { name: 'Try again' });
    down = false;
    again.click();
    expect(await screen.findByText('No dead letters')).toBeInTheDocument();
    expect(
      screen.queryByText('Dead letters cannot be read right now'),
    ).not.toBeInTheDocument();
  });
});
