import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { PlaceholderResolverParams } from '@backstage/plugin-catalog-node';
import fs from 'node:fs/promises';
import path from 'node:path';

/** A `file` location's target is a plain path, not a URL. */
function isFilePath(baseUrl: string): boolean {
  return path.isAbsolute(baseUrl) && !/^[a-z][a-z0-9+.-]*:/i.test(baseUrl);
}

/**
 * The `$text` placeholder, extended to `file` locations.
 *
 * The catalog's own resolver only forms URLs, so `$text: ./apis/x.proto` in a
 * catalog file loaded from disk fails. Here a relative path is read from the
 * folder of the catalog file, and never from outside it. URL locations are
 * resolved exactly as the catalog does.
 */
export async function textPlaceholderResolver(
  params: PlaceholderResolverParams,
): Promise<string> {
  const { key, value, baseUrl } = params;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(
      `Placeholder $${key} expected a relative path or URL, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  if (!isFilePath(baseUrl)) {
    const url = params.resolveUrl(value, baseUrl);
    const content = (await params.read(url)).toString('utf-8');
    return content;
  }
  const folder = path.dirname(baseUrl);
  let file: string;
  try {
    file = resolveSafeChildPath(folder, value);
  } catch {
    throw new InputError(
      `Placeholder $${key} in ${baseUrl} may only read files inside ${folder}, not ${value}`,
    );
  }
  try {
    return await fs.readFile(file, 'utf-8');
  } catch (error) {
    throw new InputError(
      `Placeholder $${key} in ${baseUrl} could not read ${value}: ${
        (error as Error).message
      }`,
    );
  }
}
