import { createMockDirectory } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createRegisterLocalAction } from './registerLocal';

describe('catalog:register:local', () => {
  const published = createMockDirectory();
  const outside = createMockDirectory();

  beforeEach(() => {
    published.setContent({
      'svc-demo/catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: API',
        'metadata: { name: svc-demo-api }',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata: { name: svc-demo }',
        '',
      ].join('\n'),
    });
    outside.setContent({ 'catalog-info.yaml': 'kind: Component\n' });
  });

  function setup() {
    const catalog = catalogServiceMock.mock();
    const action = createRegisterLocalAction({
      targetDirectory: published.path,
      catalog,
    });
    return { catalog, action };
  }

  it('registers the file location and outputs the Component', async () => {
    const { catalog, action } = setup();
    const ctx = createMockActionContext({
      input: {
        repoPath: `${published.path}/svc-demo`,
        catalogInfoPath: 'catalog-info.yaml',
      },
    });
    await action.handler(ctx as any);
    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: 'file', target: `${published.path}/svc-demo/catalog-info.yaml` },
      expect.anything(),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/svc-demo',
    );
  });

  it.each([
    [
      'a repository outside the publish folder',
      outside.path,
      'catalog-info.yaml',
    ],
    ['a catalog path that climbs out', 'svc-demo', '../../catalog-info.yaml'],
  ])('refuses %s', async (_what, repoPath, catalogInfoPath) => {
    const { catalog, action } = setup();
    const ctx = createMockActionContext({
      input: { repoPath, catalogInfoPath },
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /outside|not allowed|Relative path/i,
    );
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('says so when the repository has no catalog file', async () => {
    const { action } = setup();
    const ctx = createMockActionContext({
      input: { repoPath: 'svc-missing', catalogInfoPath: 'catalog-info.yaml' },
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /does not exist: nothing to register/,
    );
  });
});
