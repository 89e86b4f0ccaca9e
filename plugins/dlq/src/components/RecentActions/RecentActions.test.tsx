import { screen, within } from '@testing-library/react';
import { DeadLetterAction } from '@internal/plugin-dlq-common';
import { contrastRatio, ownColours } from '@internal/frontend-helpers';
import {
  discarded,
  mockDlqApi,
  renderWithApis,
} from '../__testUtils__/testData';
import { RecentActions } from './RecentActions';

const failed: DeadLetterAction = {
  ...discarded,
  id: 8,
  action: 'replay',
  outcome: 'failed',
  error:
    "Valkey 'deadLetters.redis' did not answer within 2 s: check its health (request id 3f9c2a7b1e04)",
  reason: undefined,
  at: new Date(Date.now() - 60 * 60_000).toISOString(),
};
const pending: DeadLetterAction = {
  ...discarded,
  id: 9,
  outcome: 'pending',
  at: new Date(Date.now() - 30 * 60_000).toISOString(),
};

describe('RecentActions', () => {
  it('says how each action ended, and why one failed', async () => {
    await renderWithApis(
      <RecentActions value={[discarded, failed, pending]} loading={false} />,
      { dlq: mockDlqApi() },
    );
    const table = await screen.findByRole('table', { name: 'Recent actions' });
    const [, ...rows] = within(table).getAllByRole('row');
    // Newest first.
    expect(
      within(rows[0]).getByTitle(/check the dead letter before acting again/),
    ).toHaveTextContent('discard pending');
    expect(within(rows[1]).getByText('replay failed')).toBeInTheDocument();
    expect(within(rows[1]).getByText(failed.error!)).toBeInTheDocument();
    expect(within(rows[2]).getByText('discarded')).toBeInTheDocument();

    // What did not end well stands out in a legible colour (6:1 on white).
    const chip = (row: HTMLElement, text: string) =>
      within(row).getByText(text).closest('.MuiChip-root')!;
    for (const [row, text] of [
      [rows[0], 'discard pending'],
      [rows[1], 'replay failed'],
    ] as const) {
      const { color } = ownColours(chip(row, text));
      expect(color).toBe('rgb(202, 0, 27)');
      expect(
        contrastRatio(color!, 'rgb(255, 255, 255)'),
      ).toBeGreaterThanOrEqual(4.5);
    }
    expect(ownColours(chip(rows[2], 'discarded')).color).toBeUndefined();
  });
});
