import { DeadLetter } from '@internal/plugin-dlq-common';

/**
 * Called by replay and discard once the dead letter has been read and
 * checked, before anything changes: the router writes the audit row there.
 * If it throws, nothing changes.
 */
export type BeforeChange = (letter: DeadLetter) => Promise<void>;

export const nothingBeforeChange: BeforeChange = async () => {};
