import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SloSpecLoader } from './SloSpecLoader';

const SPEC = `
apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
spec:
  service: svc-wallet
  slos:
    - name: availability
      objective: 99.9
      sli:
        raw:
          errorRatioQuery: 'wallet:error:ratio_rate{{.window}}'
`;

const entity = (location: string, spec: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-wallet',
    annotations: {
      'backstage.io/managed-by-location': location,
      'local-plus.io/slo-spec': spec,
    },
  },
});

describe('SloSpecLoader', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-spec-loader-'));
  const catalog = path.join(root, 'catalog');
  const catalogFile = `file:${path.join(catalog, 'components.yaml')}`;
  const urlReader = {
    readUrl: jest.fn(),
    readTree: jest.fn(),
    search: jest.fn(),
  };
  const loader = new SloSpecLoader({ urlReader });

  beforeAll(() => {
    fs.mkdirSync(path.join(catalog, 'services/svc-wallet/slo'), {
      recursive: true,
    });
    fs.writeFileSync(
      path.join(catalog, 'services/svc-wallet/slo/sloth.yaml'),
      SPEC,
    );
    fs.writeFileSync(path.join(root, 'secret.yaml'), SPEC);
    fs.symlinkSync(
      path.join(root, 'secret.yaml'),
      path.join(catalog, 'services/link.yaml'),
    );
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(() => urlReader.readUrl.mockReset());

  it('reads a spec beside the catalog file of a file location', async () => {
    const spec = await loader.load(
      entity(catalogFile, './services/svc-wallet/slo/sloth.yaml'),
    );
    expect(spec.file).toBe('services/svc-wallet/slo/sloth.yaml');
    expect(spec.format).toBe('sloth.slok.dev/v1');
    expect(spec.slos.map(s => [s.service, s.slo, s.objective])).toEqual([
      ['svc-wallet', 'availability', 0.999],
    ]);
  });

  it.each([
    ['../secret.yaml', 'leaves the folder of the catalog file'],
    ['services/../../secret.yaml', 'leaves the folder of the catalog file'],
    ['services/link.yaml', 'leaves the folder of the catalog file'], // a symlink out
    [
      '/etc/passwd',
      'must be a path relative to the catalog file of the entity',
    ],
    [
      'file:///etc/passwd',
      'must be a path relative to the catalog file of the entity',
    ],
    ['services', 'is not a file'],
    ['services/nope.yaml', 'not found beside components.yaml'],
  ])('refuses %s', async (spec, message) => {
    await expect(loader.load(entity(catalogFile, spec))).rejects.toThrow(
      message,
    );
  });

  it('reads a url location through the URL reader', async () => {
    urlReader.readUrl.mockResolvedValue({
      buffer: async () => Buffer.from(SPEC),
    });
    const spec = await loader.load(
      entity(
        'url:https://github.com/localplus/svc-wallet/blob/main/catalog-info.yaml',
        './slo/sloth.yaml',
      ),
    );
    expect(urlReader.readUrl).toHaveBeenCalledWith(
      'https://github.com/localplus/svc-wallet/blob/main/slo/sloth.yaml',
    );
    expect(spec.slos[0].service).toBe('svc-wallet');
  });

  it('refuses a url that leaves the folder, and says why a read failed', async () => {
    const location =
      'url:https://github.com/localplus/svc-wallet/blob/main/catalog-info.yaml';
    await expect(
      loader.load(entity(location, '../../other-repo/slo.yaml')),
    ).rejects.toThrow(
      '../../other-repo/slo.yaml: leaves the folder of the catalog file',
    );
    expect(urlReader.readUrl).not.toHaveBeenCalled();

    urlReader.readUrl.mockRejectedValue(new Error('404 Not Found'));
    await expect(loader.load(entity(location, 'slo.yaml'))).rejects.toThrow(
      'slo.yaml: could not be read from https://github.com/localplus/svc-wallet/blob/main/slo.yaml (404 Not Found)',
    );
  });

  it('names the file and the field of a malformed spec', async () => {
    fs.writeFileSync(
      path.join(catalog, 'bad.yaml'),
      SPEC.replace('99.9', '250'),
    );
    await expect(loader.load(entity(catalogFile, 'bad.yaml'))).rejects.toThrow(
      'bad.yaml: spec.slos[0].objective: expected a number between 0 and 100',
    );
  });
});
