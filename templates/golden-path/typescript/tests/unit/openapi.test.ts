import { describe, expect, it } from 'vitest';
import { loadOpenApi, routeSchema, toFastifyPath } from '../../src/app/api/openapi';

const document = loadOpenApi();

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents the operational endpoints', () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) expect(document.paths[path]?.get).toBeDefined();
  });

  it('turns path templates into Fastify routes', () => {
    expect(toFastifyPath('/v1/a/{id}/b/{other}')).toBe('/v1/a/:id/b/:other');
  });

  it('refuses to build a route the document does not describe', () => {
    expect(() => routeSchema(document, 'delete', '/healthz')).toThrow(/not in the OpenAPI document/);
  });
{%- if values.ownsTables %}

  it('builds validation schemas from parameters and body, references inlined', () => {
    const schema = routeSchema(document, 'post', '/v1/accounts/{accountId}/transactions');
    expect(schema.params).toEqual({
      type: 'object',
      properties: { accountId: { type: 'string', format: 'uuid' } },
      required: ['accountId'],
    });
    expect(schema.headers).toMatchObject({ required: ['idempotency-key'] });
    expect(JSON.stringify(schema.body)).not.toContain('$ref');
    expect(schema.body).toMatchObject({ required: ['type', 'amount', 'currency', 'reference'], additionalProperties: false });
  });
{%- else %}

  it('builds the body schema of the quote endpoint', () => {
    const schema = routeSchema(document, 'post', '/v1/quotes/points');
    expect(schema.body).toMatchObject({ required: ['amount', 'currency', 'tier'], additionalProperties: false });
    expect(schema.params).toBeUndefined();
  });
{%- endif %}
});
