import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** An RFC 9457 problem detail, the body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { in: string; path?: string; message: string }[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(status: number, code: string, title: string, detail?: string): Problem {
  return { type: 'about:blank', title, status, code, ...(detail ? { detail } : {}) };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

const VALIDATION_CONTEXTS = new Set(['body', 'params', 'headers', 'querystring']);

/**
 * Errors thrown anywhere in a request become problem details. Validation
 * errors list what is wrong (paths and rules, never the submitted values);
 * unexpected errors are logged and answered with a bare 500, without
 * internals.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation) {
    const where = VALIDATION_CONTEXTS.has(error.validationContext ?? '') ? error.validationContext! : 'body';
    const body = problem(400, 'invalid-request', 'The request does not match the API description');
    body.errors = error.validation.map(issue => ({
      in: where,
      path: issue.instancePath || undefined,
      message: issue.message ?? 'is invalid',
    }));
    return sendProblem(reply, body);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors: malformed JSON, body too large, wrong media type.
    return sendProblem(reply, problem(status, error.code?.toLowerCase() ?? 'bad-request', error.message));
  }
  request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, problem(500, 'internal-error', 'Internal error'));
}
