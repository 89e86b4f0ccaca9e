import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { PlaceholderResolverParams } from '@backstage/plugin-catalog-node';
import { JsonValue } from '@backstage/types';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A `file` location's target is a plain path, not a URL. */
function isFilePath(baseUrl: string): boolean {
  return path.isAbsolute(baseUrl) && !/^[a-z][a-z0-9+.-]*:/i.test(baseUrl);
}

/**
 * The `$text` placeholder, extended to `file` locations.
 *
 * The catalog's own resolvers only form URLs, so `$text: ./apis/x.proto` in a
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

/**
 * The `$yaml` placeholder, extended to `file` locations the same way: the
 * file's one YAML document (templates share their form this way:
 * templates/golden-path/form/).
 */
export async function yamlPlaceholderResolver(
  params: PlaceholderResolverParams,
): Promise<JsonValue> {
  const text = await textPlaceholderResolver(params);
  const documents = parseAllDocuments(text);
  const where = `Placeholder $${params.key} in ${params.baseUrl} (${String(
    params.value,
  )})`;
  if (!Array.isArray(documents) || documents.length !== 1) {
    throw new InputError(
      `${where} must hold exactly one YAML document, found ${
        Array.isArray(documents) ? documents.length : 0
      }`,
    );
  }
  const [document] = documents;
  if (document.errors.length > 0) {
    throw new InputError(
      `${where} is not valid YAML: ${document.errors[0].message}`,
    );
  }
  return document.toJS() as JsonValue;
}

/** The `$json` placeholder, extended to `file` locations the same way. */
export async function jsonPlaceholderResolver(
  params: PlaceholderResolverParams,
): Promise<JsonValue> {
  const text = await textPlaceholderResolver(params);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `Placeholder $${params.key} in ${params.baseUrl} (${String(
        params.value,
      )}) is not valid JSON: ${(error as Error).message}`,
    );
  }
}
