import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** Same depth under src/ and dist/: the repository's (or image's) openapi/ folder. */
export const OPENAPI_FILE = path.resolve(__dirname, '..', '..', '..', 'openapi', 'openapi.yaml');

export type JsonSchema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'header' | 'query' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  operationId?: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export function loadOpenApi(file: string = OPENAPI_FILE): OpenApiDocument {
  const document = parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  if (!document?.openapi?.startsWith('3.1') || typeof document.paths !== 'object') {
    throw new Error(`${file} is not an OpenAPI 3.1 document`);
  }
  return document;
}

/** Follows a local `#/components/...` reference. */
export function resolveRef<T>(document: OpenApiDocument, value: T | { $ref: string }): T {
  if (value && typeof value === 'object' && '$ref' in value && typeof value.$ref === 'string') {
    const ref = value.$ref;
    if (!ref.startsWith('#/')) throw new Error(`Only local references are supported: ${ref}`);
    let target: unknown = document;
    for (const part of ref.slice(2).split('/')) {
      target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (target === undefined) throw new Error(`Unresolved reference ${ref}`);
    return resolveRef(document, target as T | { $ref: string });
  }
  return value as T;
}

/** A schema with every `$ref` replaced by its target (the spec has no recursive schemas). */
export function inlineSchema(document: OpenApiDocument, schema: unknown): JsonSchema {
  const resolved = resolveRef(document, schema);
  if (Array.isArray(resolved)) return resolved.map(item => inlineSchema(document, item)) as unknown as JsonSchema;
  if (resolved && typeof resolved === 'object') {
    return Object.fromEntries(
      Object.entries(resolved as Record<string, unknown>).map(([key, value]) => [
        key,
        value && typeof value === 'object' ? inlineSchema(document, value) : value,
      ]),
    );
  }
  return resolved as JsonSchema;
}

export interface RouteSchema {
  params?: JsonSchema;
  headers?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
}

/**
 * The validation schema of one operation, built from its parameters and
 * request body in the document, in the shape Fastify validates requests with.
 * Throws if the operation is not documented: an undocumented route cannot be
 * registered.
 */
export function routeSchema(document: OpenApiDocument, method: HttpMethod, specPath: string): RouteSchema {
  const operation = document.paths[specPath]?.[method];
  if (!operation) throw new Error(`${method.toUpperCase()} ${specPath} is not in the OpenAPI document`);

  const schema: RouteSchema = {};
  const groups: Record<'path' | 'header' | 'query', { properties: Record<string, JsonSchema>; required: string[] }> = {
    path: { properties: {}, required: [] },
    header: { properties: {}, required: [] },
    query: { properties: {}, required: [] },
  };
  for (const raw of operation.parameters ?? []) {
    const parameter = resolveRef<Parameter>(document, raw);
    if (parameter.in === 'cookie') throw new Error('Cookie parameters are not supported');
    // Node lower-cases incoming header names.
    const name = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
    groups[parameter.in].properties[name] = inlineSchema(document, parameter.schema);
    if (parameter.required) groups[parameter.in].required.push(name);
  }
  const asObject = (group: { properties: Record<string, JsonSchema>; required: string[] }) => ({
    type: 'object',
    properties: group.properties,
    required: group.required,
  });
  if (Object.keys(groups.path.properties).length) schema.params = asObject(groups.path);
  if (Object.keys(groups.header.properties).length) schema.headers = asObject(groups.header);
  if (Object.keys(groups.query.properties).length) {
    schema.querystring = { ...asObject(groups.query), additionalProperties: false };
  }

  const body = operation.requestBody?.content['application/json']?.schema;
  if (body) schema.body = inlineSchema(document, body);
  return schema;
}

/** `/v1/accounts/{accountId}` → `/v1/accounts/:accountId` (Fastify's syntax). */
export function toFastifyPath(specPath: string): string {
  return specPath.replace(/\{([^}]+)\}/g, ':$1');
}
