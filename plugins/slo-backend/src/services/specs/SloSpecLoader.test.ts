import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_PARSED_CACHE,
  MAX_SHARED_SPEC_BYTES,
  SloSpecLoader,
} from './SloSpecLoader';

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

  describe('caches', () => {
    const KB = 1024;
    /** A valid spec of about `bytes`, distinct by `i`, padded in a comment or the description. */
    const specOf = (
      i: number,
      bytes: number,
      where: 'comment' | 'description',
    ) => {
      const head = SPEC.replace('svc-wallet', `svc-${i}`);
      const pad = 'x'.repeat(bytes - head.length - 64);
      return where === 'comment'
        ? `${head}# ${pad}\n`
        : head.replace(
            '      objective: 99.9',
            `      objective: 99.9\n      description: "${pad}"`,
          );
    };

    it('keeps parsed specs within its limits: 1,000 distinct 256 KB specs', () => {
      const fresh = new SloSpecLoader({ urlReader });
      for (let i = 0; i < 1000; i++) {
        const text = specOf(i, 256 * KB, 'comment');
        expect(text.length).toBeGreaterThan(255 * KB);
        expect(fresh.parse(text, 'slo/sloth.yaml').slos[0].service).toBe(
          `svc-${i}`,
        );
      }
      const usage = fresh.parsedCacheUsage;
      expect(usage.entries).toBeLessThanOrEqual(
        DEFAULT_PARSED_CACHE.maxEntries,
      );
      expect(usage.bytes).toBeLessThanOrEqual(DEFAULT_PARSED_CACHE.maxBytes);
      // A key is a hash, not the text: 1,000 entries hold well under 1 MB
      // (they held 256 MB of keys when the text was the key).
      expect(usage.entries).toBe(1000);
      expect(usage.bytes).toBeLessThan(1024 * KB);
      // Still a cache: the same file and text is not parsed again.
      const same = specOf(7, 256 * KB, 'comment');
      expect(fresh.parse(same, 'slo/sloth.yaml')).toBe(
        fresh.parse(same, 'slo/sloth.yaml'),
      );
    });

    it('bounds parsed specs by bytes when their values are big', () => {
      const limits = {
        maxEntries: 1000,
        maxBytes: 2 * 1024 * KB,
        ttlMs: 60_000,
      };
      const fresh = new SloSpecLoader({ urlReader, parsedCache: limits });
      for (let i = 0; i < 40; i++) {
        const text = specOf(i, 200 * KB, 'description');
        expect(
          fresh.parse(text, 'slo/sloth.yaml').slos[0].description!.length,
        ).toBeGreaterThan(199 * KB);
      }
      const usage = fresh.parsedCacheUsage;
      expect(usage.bytes).toBeLessThanOrEqual(limits.maxBytes);
      expect(usage.entries).toBeLessThanOrEqual(10);
      expect(usage.entries).toBeGreaterThan(0);
    });

    it('bounds parsed specs by entries, malformed ones too', () => {
      const limits = {
        maxEntries: 25,
        maxBytes: 16 * 1024 * KB,
        ttlMs: 60_000,
      };
      const fresh = new SloSpecLoader({ urlReader, parsedCache: limits });
      for (let i = 0; i < 200; i++) {
        const text = specOf(i, 2 * KB, 'comment').replace('99.9', '250');
        expect(() => fresh.parse(text, 'bad.yaml')).toThrow(
          'bad.yaml: spec.slos[0].objective',
        );
      }
      expect(fresh.parsedCacheUsage.entries).toBe(25);
    });

    it('shares only small spec texts through the CacheService, under a hashed key', async () => {
      const cache = {
        get: jest.fn().mockResolvedValue(undefined),
        set: jest.fn().mockResolvedValue(undefined),
        delete: jest.fn(),
        withOptions: jest.fn(),
      };
      const shared = new SloSpecLoader({ urlReader, cache });
      const longPath = `./services/svc-wallet/slo/${'a'.repeat(
        500,
      )}/../sloth.yaml`;
      fs.writeFileSync(
        path.join(catalog, 'big.yaml'),
        specOf(1, MAX_SHARED_SPEC_BYTES + 1024, 'comment'),
      );
      await shared.load(entity(catalogFile, longPath));
      await shared.load(entity(catalogFile, 'big.yaml'));
      // The small one is shared, the big one is not.
      expect(cache.set).toHaveBeenCalledTimes(1);
      const [key, text] = cache.set.mock.calls[0];
      expect(text).toBe(SPEC);
      expect(key).toMatch(/^slo-spec:[0-9a-f]{64}$/);
      expect(cache.get).toHaveBeenCalledTimes(2);
    });
  });
});
