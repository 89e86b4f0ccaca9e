import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The On call page renders a table per section; on a busy machine that
// takes seconds, not a bug to fail on (as in the other plugins).
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 15_000 });
