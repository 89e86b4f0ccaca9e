import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The tab renders tables, dialogs and an app around them; on a busy machine
// that takes seconds, not a bug to fail on.
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 15_000 });
