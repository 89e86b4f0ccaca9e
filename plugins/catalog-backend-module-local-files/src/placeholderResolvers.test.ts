import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  jsonPlaceholderResolver,
  textPlaceholderResolver,
  yamlPlaceholderResolver,
} from './placeholderResolvers';

describe('textPlaceholderResolver', () => {
  const dir = createMockDirectory({
    content: {
      'catalog/apis.yaml': 'kind: API\n',
      'catalog/apis/ledger.proto': 'syntax = "proto3";\n',
      'secret.txt': 'not for the catalog',
      'catalog/form/pages.yaml':
        '# the shared form\n- title: The service\n  properties:\n    name: { type: string, maxLength: 35 }\n',
      'catalog/form/two.yaml': 'a: 1\n---\nb: 2\n',
      'catalog/form/broken.yaml': 'a: [1, 2\n',
      'catalog/form/values.json': '{"language": "python"}',
    },
  });
  const base = () => dir.resolve('catalog/apis.yaml');
  const params = (value: unknown, baseUrl = base()) => ({
    key: 'text',
    value: value as any,
    baseUrl,
    read: jest.fn(async () => Buffer.from('from a URL')),
    resolveUrl: jest.fn((url: string, b: string) => new URL(url, b).toString()),
    emit: jest.fn(),
  });

  it('reads a file beside the catalog file', async () => {
    await expect(
      textPlaceholderResolver(params('./apis/ledger.proto')),
    ).resolves.toBe('syntax = "proto3";\n');
  });

  it('refuses to read outside the catalog folder', async () => {
    await expect(
      textPlaceholderResolver(params('../secret.txt')),
    ).rejects.toThrow(
      /may only read files inside .*catalog, not \.\.\/secret\.txt/,
    );
  });

  it('names the file it could not read', async () => {
    await expect(
      textPlaceholderResolver(params('./apis/missing.proto')),
    ).rejects.toThrow(/could not read \.\/apis\/missing\.proto: ENOENT/);
  });

  it('rejects a value that is not a path', async () => {
    await expect(textPlaceholderResolver(params(42))).rejects.toThrow(
      'Placeholder $text expected a relative path or URL, got 42',
    );
  });

  it('resolves URL locations through the catalog reader', async () => {
    const p = params(
      './api.yaml',
      'https://github.com/localplus/svc-ledger/blob/main/catalog-info.yaml',
    );
    await expect(textPlaceholderResolver(p)).resolves.toBe('from a URL');
    expect(p.read).toHaveBeenCalledWith(
      'https://github.com/localplus/svc-ledger/blob/main/api.yaml',
    );
  });

  it('parses a YAML file beside the catalog file ($yaml)', async () => {
    await expect(
      yamlPlaceholderResolver(params('./form/pages.yaml')),
    ).resolves.toEqual([
      {
        title: 'The service',
        properties: { name: { type: 'string', maxLength: 35 } },
      },
    ]);
  });

  it('refuses a YAML file with more than one document, or broken', async () => {
    await expect(
      yamlPlaceholderResolver(params('./form/two.yaml')),
    ).rejects.toThrow(/must hold exactly one YAML document, found 2/);
    await expect(
      yamlPlaceholderResolver(params('./form/broken.yaml')),
    ).rejects.toThrow(/form\/broken\.yaml\) is not valid YAML/);
    await expect(
      yamlPlaceholderResolver(params('../secret.txt')),
    ).rejects.toThrow(/may only read files inside/);
  });

  it('parses a JSON file beside the catalog file ($json)', async () => {
    await expect(
      jsonPlaceholderResolver(params('./form/values.json')),
    ).resolves.toEqual({ language: 'python' });
    await expect(
      jsonPlaceholderResolver(params('./form/pages.yaml')),
    ).rejects.toThrow(/is not valid JSON/);
  });
});
