import { dataOwnershipPlugin } from './plugin';

describe('data-ownership', () => {
  it('should export plugin', () => {
    expect(dataOwnershipPlugin).toBeDefined();
  });
});
