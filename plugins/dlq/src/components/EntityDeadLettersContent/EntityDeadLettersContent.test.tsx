import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DeadLetter } from '@internal/plugin-dlq-common';
import {
  bulkJob,
  entityRef,
  errorResponse,
  fraudAlert,
  garbled,
  list,
  mockDlqApi,
  renderWithApis,
  rollback,
  VALKEY_DOWN,
  valkeyDown,
} from '../__testUtils__/testData';
import { EntityDeadLettersContent } from './EntityDeadLettersContent';

// Everyone here has the on-call role; see
// EntityDeadLettersContent.permissions.test.tsx for those who do not.
const render = (dlq: ReturnType<typeof mockDlqApi>) =>
  renderWithApis(<EntityDeadLettersContent />, { dlq });

const table = () => screen.getByRole('table', { name: 'Dead-lettered tasks' });

/** The visible rows of the dead-letter table, cell by cell (details rows left out). */
const rows = () =>
  [...table().querySelectorAll<HTMLElement>('tbody tr')]
    .filter(r => r.querySelectorAll('td').length > 1)
    .map(r =>
      // When, queue, actor and its last error (one cell, two lines), attempts, expires.
      [...r.querySelectorAll('td')]
        .slice(1, 6)
        .map(c =>
          [...c.children].length > 1
            ? [...c.children].map(line => line.textContent).join(' | ')
            : c.textContent,
        ),
    );

/** A row action, once the permission check has allowed it. */
const action = async (name: string) => {
  const button = await screen.findByRole('button', { name });
  await waitFor(() => expect(button).toBeEnabled());
  return button;
};

describe('EntityDeadLettersContent (the dead-letter tab)', () => {
  it('lists the dead letters newest first, with the depth of each queue and the recent actions', async () => {
    const dlq = mockDlqApi({
      // Oldest first on purpose: the tab sorts.
      getDeadLetters: async () =>
        list([rollback, fraudAlert], [{ queue: 'critical', depth: 2 }]),
    });
    await render(dlq);
    expect(await screen.findByText('2 dead letters')).toBeInTheDocument();
    expect(dlq.getDeadLetters).toHaveBeenCalledWith(entityRef, {
      reveal: false,
    });
    expect(dlq.getActions).toHaveBeenCalledWith(entityRef);

    expect(rows()).toEqual([
      [
        '20 min ago',
        'critical',
        'ledger.send_fraud_alert | TimeoutError: kafka',
        '3',
        'in 6 days',
      ],
      [
        '3 h ago',
        'critical',
        'ledger.rollback_transaction | psycopg.OperationalError: connection to server at "pg-primary" failed',
        '5',
        'in 6 days',
      ],
    ]);
    // The exact time is one hover away, in UTC.
    expect(screen.getByText('3 h ago')).toHaveAttribute(
      'title',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
    );

    // The audit trail.
    const audit = await screen.findByRole('table', { name: 'Recent actions' });
    expect(within(audit).getByText('discarded')).toBeInTheDocument();
    expect(within(audit).getByText('jane.doe')).toBeInTheDocument();
    expect(
      within(audit).getByText('statement already sent by hand (INC-231)'),
    ).toBeInTheDocument();
    expect(
      within(audit).getByText('ledger.export_statement'),
    ).toBeInTheDocument();
    expect(within(audit).getByText('55-old')).toBeInTheDocument();
    expect(within(audit).getByText('2 h ago')).toBeInTheDocument();
  });

  it('opens a row on its message id, arguments, traceback and links', async () => {
    await render(mockDlqApi());
    await screen.findByText('2 dead letters');
    expect(screen.queryByLabelText('Traceback')).not.toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Show details of ledger.rollback_transaction 4f1c9e7a-rollback',
      }),
    );
    const details = await screen.findByRole('region', {
      name: 'Details of ledger.rollback_transaction 4f1c9e7a-rollback',
    });
    expect(within(details).getByText('Message id')).toBeInTheDocument();
    expect(within(details).getByText('4f1c9e7a-rollback')).toBeInTheDocument();
    expect(within(details).getByText('a1b2c3')).toBeInTheDocument();
    expect(screen.getByLabelText('Arguments').textContent).toBe(
      '[\n  "txn_8812"\n]',
    );
    expect(screen.getByLabelText('Keyword arguments').textContent).toBe(
      '{\n  "reason": "payment_failed",\n  "wallet_id": "w_42"\n}',
    );
    const traceback = screen.getByLabelText('Traceback');
    expect(traceback.tagName).toBe('PRE');
    expect(traceback).toHaveTextContent(
      'File "/app/ledger/tasks.py", line 42, in rollback_transaction',
    );
    expect(screen.getByRole('link', { name: /^Sentry event/ })).toHaveAttribute(
      'href',
      'https://sentry.local-plus.io/e/1',
    );
    expect(screen.getByRole('link', { name: /^Tempo trace/ })).toHaveAttribute(
      'href',
      'https://tempo.local-plus.io/t/1',
    );
  });

  it('replays one message after a confirmation, then refreshes', async () => {
    const dlq = mockDlqApi();
    await render(dlq);
    await screen.findByText('2 dead letters');

    await userEvent.click(
      await action('Replay ledger.rollback_transaction 4f1c9e7a-rollback'),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Replay this dead letter?',
    });
    expect(dialog).toHaveTextContent('ledger.rollback_transaction');
    expect(dialog).toHaveTextContent('queue critical');
    expect(dialog).toHaveTextContent('4f1c9e7a-rollback');
    expect(dialog).toHaveTextContent(/Replay only once the cause is fixed/);
    expect(dialog).toHaveTextContent(/Replay one message first/);
    expect(dlq.replay).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Replay' }),
    );
    expect(
      await screen.findByText(
        /Replayed ledger.rollback_transaction \(message 4f1c9e7a-rollback\) to queue critical/,
      ),
    ).toBeInTheDocument();
    expect(dlq.replay).toHaveBeenCalledTimes(1);
    expect(dlq.replay).toHaveBeenCalledWith({
      entityRef,
      queue: 'critical',
      key: 'a1b2c3',
    });
    await waitFor(() => expect(dlq.getDeadLetters).toHaveBeenCalledTimes(2));
    expect(dlq.getActions).toHaveBeenCalledTimes(2);
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('does nothing when the replay is cancelled', async () => {
    const dlq = mockDlqApi();
    await render(dlq);
    await screen.findByText('2 dead letters');
    await userEvent.click(
      await action('Replay ledger.send_fraud_alert 77aa-fraud'),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(dlq.replay).not.toHaveBeenCalled();
  });

  it('shows progress while the replay runs, and sends it only once', async () => {
    let finish: (value: DeadLetter) => void = () => {};
    const dlq = mockDlqApi({
      replay: () =>
        new Promise<DeadLetter>(resolve => {
          finish = resolve;
        }),
    });
    await render(dlq);
    await screen.findByText('2 dead letters');
    await userEvent.click(
      await action('Replay ledger.rollback_transaction 4f1c9e7a-rollback'),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Replay' }),
    );

    const running = within(dialog).getByRole('button', { name: 'Replaying…' });
    expect(running).toBeDisabled();
    expect(within(running).getByRole('progressbar')).toBeInTheDocument();
    fireEvent.click(running);
    // The row buttons wait too.
    expect(
      screen.getByRole('button', {
        name: 'Replay ledger.send_fraud_alert 77aa-fraud',
        hidden: true,
      }),
    ).toBeDisabled();
    expect(dlq.replay).toHaveBeenCalledTimes(1);

    finish(rollback);
    expect(
      await screen.findByText(/Replayed ledger.rollback_transaction/),
    ).toBeInTheDocument();
  });

  it('refuses a discard without a real reason, then sends the reason', async () => {
    const dlq = mockDlqApi();
    await render(dlq);
    await screen.findByText('2 dead letters');
    await userEvent.click(
      await action('Discard ledger.send_fraud_alert 77aa-fraud'),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Discard this dead letter?',
    });
    const reason = within(dialog).getByRole('textbox', { name: /Reason/ });

    // Empty, then too short: refused in the form, nothing sent.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Discard' }),
    );
    expect(
      await within(dialog).findByText(
        'give a reason of at least 10 characters',
      ),
    ).toBeInTheDocument();
    await userEvent.type(reason, '  dup    ');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Discard' }),
    );
    expect(
      await within(dialog).findByText(
        'give a reason of at least 10 characters',
      ),
    ).toBeInTheDocument();
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(dlq.discard).not.toHaveBeenCalled();

    await userEvent.clear(reason);
    await userEvent.type(reason, 'alert already raised by hand (INC-240)');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Discard' }),
    );
    expect(
      await screen.findByText(
        /Discarded ledger.send_fraud_alert \(message 77aa-fraud\) from queue critical/,
      ),
    ).toBeInTheDocument();
    expect(dlq.discard).toHaveBeenCalledWith({
      entityRef,
      queue: 'critical',
      key: 'd4e5f6',
      reason: 'alert already raised by hand (INC-240)',
    });
    await waitFor(() => expect(dlq.getDeadLetters).toHaveBeenCalledTimes(2));
  });

  it('says when someone else already handled the message, and refreshes', async () => {
    const dlq = mockDlqApi({
      replay: async () => {
        throw await errorResponse(
          404,
          'NotFoundError',
          'No dead letter a1b2c3 on queue critical',
        );
      },
    });
    await render(dlq);
    await screen.findByText('2 dead letters');
    await userEvent.click(
      await action('Replay ledger.rollback_transaction 4f1c9e7a-rollback'),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Replay' }),
    );
    expect(
      await screen.findByText(
        /ledger.rollback_transaction \(message 4f1c9e7a-rollback\) was already replayed or discarded by someone else. The list has been refreshed./,
      ),
    ).toBeInTheDocument();
    await waitFor(() => expect(dlq.getDeadLetters).toHaveBeenCalledTimes(2));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('keeps the dialog open with the reason when the backend refuses', async () => {
    const dlq = mockDlqApi({
      discard: async () => {
        throw await errorResponse(
          403,
          'NotAllowedError',
          'user:default/guest may not use dlq.message.discard',
        );
      },
    });
    await render(dlq);
    await screen.findByText('2 dead letters');
    await userEvent.click(
      await action('Discard ledger.send_fraud_alert 77aa-fraud'),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'duplicate of a newer alert',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Discard' }),
    );
    expect(
      await within(dialog).findByText(
        'You are not allowed to discard dead letters: user:default/guest may not use dlq.message.discard',
      ),
    ).toBeInTheDocument();
    expect(dlq.getDeadLetters).toHaveBeenCalledTimes(1);
  });

  it('says why the dead letters cannot be read, and still shows the recent actions', async () => {
    const dlq = mockDlqApi({
      getDeadLetters: valkeyDown,
    });
    await render(dlq);
    expect(
      await screen.findByText('Dead letters cannot be read right now'),
    ).toBeInTheDocument();
    expect(screen.getByText(VALKEY_DOWN)).toBeInTheDocument();
    const audit = await screen.findByRole('table', { name: 'Recent actions' });
    expect(
      within(audit).getByText('statement already sent by hand (INC-231)'),
    ).toBeInTheDocument();
  });

  it('says when there are no dead letters', async () => {
    const dlq = mockDlqApi({
      getDeadLetters: async () => list([], [{ queue: 'critical', depth: 0 }]),
      getActions: async () => [],
    });
    await render(dlq);
    expect(
      await screen.findByRole('heading', { name: 'No dead letters' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Dead-lettered tasks' }),
    ).not.toBeInTheDocument();
    expect(
      await screen.findByText('No replays or discards yet.'),
    ).toBeInTheDocument();
  });

  it('lists an unreadable entry with its reason, offering only Discard', async () => {
    const dlq = mockDlqApi({
      getDeadLetters: async () =>
        list(
          [garbled, fraudAlert],
          [
            { queue: 'critical', depth: 1 },
            { queue: 'high', depth: 1 },
          ],
        ),
    });
    await render(dlq);
    await screen.findByText('2 dead letters');
    expect(rows()[1]).toEqual([
      '2 days ago',
      'high',
      '— | Unreadable: the stored message is not valid JSON',
      '—',
      'in 5 days',
    ]);
    expect(
      screen.queryByRole('button', { name: /Replay unreadable entry/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(await action('Discard unreadable entry ff00ff'));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'corrupted by the 2026-11-02 Valkey restore',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Discard' }),
    );
    await waitFor(() =>
      expect(dlq.discard).toHaveBeenCalledWith({
        entityRef,
        queue: 'high',
        key: 'ff00ff',
        reason: 'corrupted by the 2026-11-02 Valkey restore',
      }),
    );
  });

  it('lets a platform admin reveal masked values, asking the backend again', async () => {
    const dlq = mockDlqApi({
      getDeadLetters: async (_ref, options) => ({
        ...list([rollback], [{ queue: 'critical', depth: 1 }]),
        payloads: options?.reveal ? 'revealed' : 'masked',
      }),
    });
    await render(dlq);
    const toggle = await screen.findByRole('checkbox', {
      name: /Show e-mail addresses, phone numbers, IBANs and secrets unmasked \(each read is audited; card numbers stay masked\)/,
    });
    expect(toggle).not.toBeChecked();
    await userEvent.click(toggle);
    await waitFor(() =>
      expect(dlq.getDeadLetters).toHaveBeenLastCalledWith(entityRef, {
        reveal: true,
      }),
    );
    expect(
      await screen.findByRole('checkbox', { checked: true }),
    ).toBeInTheDocument();
  });

  it('filters and pages: the filters go to the backend, Next page follows its cursor', async () => {
    const dlq = mockDlqApi({
      getDeadLetters: async (_ref, options) => ({
        ...list(options?.cursor ? [fraudAlert] : [rollback], [
          { queue: 'critical', depth: 2 },
        ]),
        total: 2,
        nextCursor: options?.cursor ? undefined : 'page-2',
      }),
    });
    await render(dlq);
    await screen.findByText(/Page 1: 1 of 2/);
    await userEvent.type(
      screen.getByLabelText('Actor'),
      'ledger.rollback_transaction',
    );
    await userEvent.type(
      screen.getByLabelText('Text in the error'),
      'pg-primary',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Apply filters' }),
    );
    await waitFor(() =>
      expect(dlq.getDeadLetters).toHaveBeenLastCalledWith(entityRef, {
        reveal: false,
        actor: 'ledger.rollback_transaction',
        text: 'pg-primary',
        cursor: undefined,
      }),
    );
    await screen.findByText(/Page 1: 1 of 2 matching/);
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText(/Page 2: 1 of 2 matching/);
    expect(dlq.getDeadLetters).toHaveBeenLastCalledWith(
      entityRef,
      expect.objectContaining({ cursor: 'page-2' }),
    );
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Previous page' }),
    );
    await screen.findByText(/Page 1: 1 of 2 matching/);
  });

  it('replays the selected dead letters in bulk at the pace chosen, and shows the job with a way to cancel it', async () => {
    let jobs = [] as ReturnType<typeof bulkJob>[];
    const dlq = mockDlqApi({
      startBulk: async r => {
        jobs = [bulkJob({ action: r.action, selection: r.selection })];
        return jobs[0];
      },
      getBulkJobs: async () => jobs,
    });
    await render(dlq);
    await screen.findByText('2 dead letters');
    await userEvent.click(
      await screen.findByRole('checkbox', {
        name: 'Select ledger.rollback_transaction 4f1c9e7a-rollback',
      }),
    );
    await userEvent.click(await action('Replay selected (1)'));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Replay the 1 selected dead letters'),
    ).toBeInTheDocument();
    const rate = within(dialog).getByLabelText('Dead letters per second');
    await userEvent.clear(rate);
    await userEvent.type(rate, '20');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Replay at 20/s' }),
    );
    await waitFor(() =>
      expect(dlq.startBulk).toHaveBeenCalledWith({
        entityRef,
        action: 'replay',
        reason: undefined,
        ratePerSecond: 20,
        selection: {
          keys: [{ queue: 'critical', key: rollback.key }],
        },
      }),
    );
    const panel = await screen.findByRole('table', {
      name: 'Bulk replays and discards',
    });
    expect(within(panel).getByText('1 replayed of 3')).toBeInTheDocument();
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() => expect(dlq.cancelBulkJob).toHaveBeenCalledWith(7));
  });
});
