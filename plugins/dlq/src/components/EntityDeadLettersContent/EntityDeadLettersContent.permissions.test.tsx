import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  list,
  mockDlqApi,
  permissions,
  renderWithApis,
} from '../__testUtils__/testData';
import { EntityDeadLettersContent } from './EntityDeadLettersContent';

// A file of its own: usePermission caches decisions for the whole session
// (stale-while-revalidate), so allowed and denied users cannot share one.
describe('EntityDeadLettersContent for someone without the on-call role', () => {
  it('shows the dead letters, with replay and discard disabled and explained', async () => {
    const dlq = mockDlqApi();
    await renderWithApis(<EntityDeadLettersContent />, {
      dlq,
      permission: permissions([
        'dlq.message.replay',
        'dlq.message.discard',
        'dlq.message.reveal',
      ]),
    });
    await screen.findByText('2 dead letters');
    // Unmasked values are for platform admins: no switch.
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(
      await screen.findByText(
        'You can view dead letters. Replay and discard need the on-call role (dlq.message.replay, dlq.message.discard).',
      ),
    ).toBeInTheDocument();

    const replay = screen.getByRole('button', {
      name: 'Replay ledger.rollback_transaction 4f1c9e7a-rollback',
    });
    const discard = screen.getByRole('button', {
      name: 'Discard ledger.rollback_transaction 4f1c9e7a-rollback',
    });
    await waitFor(() => expect(replay).toBeDisabled());
    expect(discard).toBeDisabled();
    expect(replay.parentElement).toHaveAttribute(
      'title',
      'Needs the on-call role: dlq.message.replay',
    );
    expect(discard.parentElement).toHaveAttribute(
      'title',
      'Needs the on-call role: dlq.message.discard',
    );

    // Viewing still works.
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Show details of ledger.rollback_transaction 4f1c9e7a-rollback',
      }),
    );
    expect(await screen.findByLabelText('Traceback')).toBeInTheDocument();
    expect(dlq.replay).not.toHaveBeenCalled();
    expect(dlq.discard).not.toHaveBeenCalled();
  });

  it('shows counts and why, without payloads, to someone who may not read them', async () => {
    const because =
      'Dead-letter payloads are for the owning team, on-call and platform admins (permission dlq.message.read). You see the counts.';
    const dlq = mockDlqApi({
      getDeadLetters: async () => ({
        ...list([], [{ queue: 'critical', depth: 3 }]),
        total: 3,
        payloads: 'hidden',
        hiddenBecause: because,
      }),
    });
    await renderWithApis(<EntityDeadLettersContent />, {
      dlq,
      permission: permissions([
        'dlq.message.replay',
        'dlq.message.discard',
        'dlq.message.reveal',
      ]),
    });
    expect(await screen.findByText(because)).toBeInTheDocument();
    expect(screen.getByText('3 dead letters')).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Dead-lettered tasks' }),
    ).not.toBeInTheDocument();
  });
});
