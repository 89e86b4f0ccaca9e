import { CacheService, UrlReaderService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import { SLO_SPEC_ANNOTATION } from '@internal/plugin-slo-common';
import { BoundedCache } from '@internal/backend-helpers';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseSloSpec } from './parseSloSpec';
import { ParsedSloSpec, SloSpecError } from './SloSpec';

/** Larger than any honest spec; refuse to read a log file by mistake. */
const MAX_SPEC_BYTES = 256 * 1024;
const CACHE_TTL_MS = 60_000;
/**
 * Spec texts are shared through the CacheService (so that replicas do not
 * each read GitHub) only up to this size: in development the CacheService
 * is an unbounded memory store. Honest specs are a few KB; a bigger one is
 * read again each time.
 */
export const MAX_SHARED_SPEC_BYTES = 32 * 1024;

/** Limits of the in-process cache of parsed specs. */
export interface ParsedCacheLimits {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
}
export const DEFAULT_PARSED_CACHE: ParsedCacheLimits = {
  maxEntries: 2000,
  maxBytes: 16 * 1024 * 1024,
  ttlMs: 3600_000,
};

type Parsed = ParsedSloSpec | SloSpecError;

/** Bytes a parsed spec (or the error of a malformed one) holds. */
function parsedSize(value: Parsed, key: string): number {
  const held =
    value instanceof SloSpecError
      ? `${value.file}${value.field ?? ''}${value.detail}${value.message}`
      : JSON.stringify(value);
  return Buffer.byteLength(held) + Buffer.byteLength(key);
}

/** A fixed-size key for any text: a key must never hold a whole spec. */
const digest = (...parts: string[]) =>
  createHash('sha256').update(parts.join('\0')).digest('hex');

export interface LoadedSloSpec extends ParsedSloSpec {
  /** The spec's path as the annotation names it, e.g. slo/sloth.yaml. */
  file: string;
}

/** The spec file named by the annotation, as shown in messages. */
export function specFileOf(entity: Entity): string | undefined {
  const raw = entity.metadata.annotations?.[SLO_SPEC_ANNOTATION]?.trim();
  return raw ? path.posix.normalize(raw).replace(/^\.\//, '') : undefined;
}

/**
 * Reads the SLO spec an entity points to with `local-plus.io/slo-spec`, a
 * path relative to the catalog file that holds the entity
 * (`backstage.io/managed-by-location`): from disk for `file:` locations,
 * through the URL reader (and its integrations' credentials) for `url:`
 * ones. A path that leaves the catalog file's folder is refused: the
 * annotation must not turn the portal into a reader of any file.
 */
export class SloSpecLoader {
  /**
   * Parsed specs by a hash of file and text: a board parses each file once.
   * In-process and bounded by entries and bytes.
   */
  private readonly parsed: BoundedCache<Parsed>;

  constructor(
    private readonly options: {
      urlReader: UrlReaderService;
      cache?: CacheService;
      parsedCache?: ParsedCacheLimits;
    },
  ) {
    this.parsed = new BoundedCache<Parsed>({
      ...(options.parsedCache ?? DEFAULT_PARSED_CACHE),
      sizeOf: parsedSize,
    });
  }

  /** Entries and bytes of the parsed cache (tests, metrics). */
  get parsedCacheUsage() {
    return { entries: this.parsed.size, bytes: this.parsed.bytes };
  }

  /** The spec parsed, from the cache when this file had this text before. */
  parse(text: string, file: string): ParsedSloSpec {
    const key = digest(file, text);
    let result = this.parsed.get(key);
    if (!result) {
      try {
        result = parseSloSpec(text, file);
      } catch (error) {
        if (!(error instanceof SloSpecError)) throw error;
        result = error;
      }
      this.parsed.set(key, result);
    }
    if (result instanceof SloSpecError) throw result;
    return result;
  }

  /** The parsed spec, or an SloSpecError naming the file and the field. */
  async load(entity: Entity): Promise<LoadedSloSpec> {
    const file = specFileOf(entity);
    if (!file) {
      throw new SloSpecError(
        '(none)',
        undefined,
        `no ${SLO_SPEC_ANNOTATION} annotation`,
      );
    }
    const raw = entity.metadata.annotations![SLO_SPEC_ANNOTATION].trim();
    if (
      /^[a-z][a-z0-9+.-]*:/i.test(raw) ||
      path.isAbsolute(raw) ||
      raw.includes('\\')
    ) {
      throw new SloSpecError(
        file,
        undefined,
        'must be a path relative to the catalog file of the entity',
      );
    }
    const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
    if (!location) {
      throw new SloSpecError(
        file,
        undefined,
        `the entity has no ${ANNOTATION_LOCATION}, so the path has nothing to be relative to`,
      );
    }
    const { type, target } = parseLocationRef(location);
    // Hashed: the location and annotation are the catalog's, of any length.
    const key = `slo-spec:${digest(type, target, raw)}`;
    let text = (await this.options.cache?.get(key)) as string | undefined;
    if (typeof text !== 'string') {
      if (type === 'file') text = await this.readFile(target, raw, file);
      else if (type === 'url') text = await this.readUrl(target, raw, file);
      else {
        throw new SloSpecError(
          file,
          undefined,
          `specs of entities from ${type} locations cannot be read`,
        );
      }
      if (Buffer.byteLength(text) <= MAX_SHARED_SPEC_BYTES) {
        await this.options.cache?.set(key, text, { ttl: CACHE_TTL_MS });
      }
    }
    return { file, ...this.parse(text, file) };
  }

  private async readFile(catalogFile: string, raw: string, file: string) {
    const folder = path.dirname(path.resolve(catalogFile));
    const outside = (p: string, root: string) => {
      const rel = path.relative(root, p);
      return rel === '' || rel.startsWith('..') || path.isAbsolute(rel);
    };
    const wanted = path.resolve(folder, raw);
    if (outside(wanted, folder)) {
      throw new SloSpecError(
        file,
        undefined,
        'leaves the folder of the catalog file',
      );
    }
    let real: string;
    try {
      // A symbolic link must not lead out of the folder either.
      real = await fs.realpath(wanted);
      if (outside(real, await fs.realpath(folder))) {
        throw new SloSpecError(
          file,
          undefined,
          'leaves the folder of the catalog file',
        );
      }
      const stat = await fs.stat(real);
      if (!stat.isFile())
        throw new SloSpecError(file, undefined, 'is not a file');
      if (stat.size > MAX_SPEC_BYTES) {
        throw new SloSpecError(
          file,
          undefined,
          `is larger than ${MAX_SPEC_BYTES} bytes`,
        );
      }
      return await fs.readFile(real, 'utf8');
    } catch (error) {
      if (error instanceof SloSpecError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new SloSpecError(
        file,
        undefined,
        code === 'ENOENT'
          ? `not found beside ${path.basename(catalogFile)}`
          : `could not be read (${code ?? (error as Error).message})`,
      );
    }
  }

  private async readUrl(catalogUrl: string, raw: string, file: string) {
    let url: URL;
    let folder: URL;
    try {
      folder = new URL('./', catalogUrl);
      url = new URL(raw, catalogUrl);
    } catch {
      throw new SloSpecError(
        file,
        undefined,
        `cannot be resolved against ${catalogUrl}`,
      );
    }
    if (
      url.origin !== folder.origin ||
      !url.pathname.startsWith(folder.pathname)
    ) {
      throw new SloSpecError(
        file,
        undefined,
        'leaves the folder of the catalog file',
      );
    }
    try {
      const response = await this.options.urlReader.readUrl(url.toString());
      const buffer = await response.buffer();
      if (buffer.length > MAX_SPEC_BYTES) {
        throw new SloSpecError(
          file,
          undefined,
          `is larger than ${MAX_SPEC_BYTES} bytes`,
        );
      }
      return buffer.toString('utf8');
    } catch (error) {
      if (error instanceof SloSpecError) throw error;
      throw new SloSpecError(
        file,
        undefined,
        `could not be read from ${url} (${(error as Error).message})`,
      );
    }
  }
}
