import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ActionPermission } from '../ActionButton';
import { fraudAlert, garbled, rollback } from '../__testUtils__/testData';
import { DeadLetterTable } from './DeadLetterTable';

const allowed = (name: string): ActionPermission => ({
  loading: false,
  allowed: true,
  name,
});
const denied = (name: string): ActionPermission => ({
  loading: false,
  allowed: false,
  name,
});

describe('DeadLetterTable', () => {
  const render = (props: {
    replay: ActionPermission;
    discard: ActionPermission;
    busy?: boolean;
  }) => {
    const onReplay = jest.fn();
    const onDiscard = jest.fn();
    const result = renderInTestApp(
      <DeadLetterTable
        items={[rollback, garbled, fraudAlert]}
        replay={props.replay}
        discard={props.discard}
        busy={props.busy ?? false}
        onReplay={onReplay}
        onDiscard={onDiscard}
      />,
    );
    return { ...result, onReplay, onDiscard };
  };

  it('lets an engineer who may discard but not replay do only that', async () => {
    const { onDiscard } = render({
      replay: denied('dlq.message.replay'),
      discard: allowed('dlq.message.discard'),
    });
    const replay = await screen.findByRole('button', {
      name: 'Replay ledger.rollback_transaction 4f1c9e7a-rollback',
    });
    expect(replay).toBeDisabled();
    expect(replay.parentElement).toHaveAttribute(
      'title',
      'Needs the on-call role: dlq.message.replay',
    );
    const discard = screen.getByRole('button', {
      name: 'Discard ledger.rollback_transaction 4f1c9e7a-rollback',
    });
    expect(discard).toBeEnabled();
    await userEvent.click(discard);
    expect(onDiscard).toHaveBeenCalledWith(rollback);
  });

  it('offers only Discard for an unreadable entry', async () => {
    const { onReplay } = render({
      replay: allowed('dlq.message.replay'),
      discard: allowed('dlq.message.discard'),
    });
    expect(
      await screen.findByRole('button', {
        name: 'Discard unreadable entry ff00ff',
      }),
    ).toBeEnabled();
    expect(
      screen.queryByRole('button', { name: /^Replay unreadable entry/ }),
    ).not.toBeInTheDocument();
    expect(
      screen
        .getAllByRole('button', { name: /^Replay / })
        .map(b => b.getAttribute('aria-label')),
    ).toEqual([
      'Replay ledger.send_fraud_alert 77aa-fraud',
      'Replay ledger.rollback_transaction 4f1c9e7a-rollback',
    ]);
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Replay ledger.send_fraud_alert 77aa-fraud',
      }),
    );
    expect(onReplay).toHaveBeenCalledWith(fraudAlert);
  });

  it('holds every action while a request runs', async () => {
    render({
      replay: allowed('dlq.message.replay'),
      discard: allowed('dlq.message.discard'),
      busy: true,
    });
    const buttons = await screen.findAllByRole('button', {
      name: /^(Replay|Discard) /,
    });
    expect(buttons).toHaveLength(5);
    buttons.forEach(b => expect(b).toBeDisabled());
  });

  it('says it is still checking permissions', async () => {
    render({
      replay: { loading: true, allowed: false, name: 'dlq.message.replay' },
      discard: allowed('dlq.message.discard'),
    });
    const replay = await screen.findByRole('button', {
      name: 'Replay ledger.rollback_transaction 4f1c9e7a-rollback',
    });
    expect(replay).toBeDisabled();
    expect(replay.parentElement).toHaveAttribute(
      'title',
      'Checking your permissions…',
    );
  });
});
