import { createMockDirectory } from '@backstage/backend-test-utils';
import { textPlaceholderResolver } from './textPlaceholderResolver';

describe('textPlaceholderResolver', () => {
  const dir = createMockDirectory({
    content: {
      'catalog/apis.yaml': 'kind: API\n',
      'catalog/apis/ledger.proto': 'syntax = "proto3";\n',
      'secret.txt': 'not for the catalog',
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
});
