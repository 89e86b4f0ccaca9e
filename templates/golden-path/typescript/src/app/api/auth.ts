import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from './problems';

/**
 * Who is calling, from the bearer token (a JWT issued by the platform's
 * identity provider, verified against its published keys):
 * - a member: `sub` is their id, and they act on what they own;
 * - another service: the token carries scopes (`scope`, space-separated, or
 *   `scp`, an array) that grant access to any account.
 */
export interface Principal {
  subject: string;
  scopes: ReadonlySet<string>;
}

export function hasScope(principal: Principal, scope: string): boolean {
  return principal.scopes.has(scope);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every business route. */
    principal: Principal;
  }
}

export interface AuthOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** Name given in WWW-Authenticate (the service's name). */
  realm: string;
}

// Asymmetric signatures only: a JWKS never holds a shared secret, and "none"
// is refused by jose whatever this says.
const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 30;
const VERIFIED_TOKENS_KEPT = 10_000;
/** Printable ASCII without spaces, 1 to 255 characters (the OwnerId of the OpenAPI document). */
const SUBJECT = /^[\x21-\x7E]{1,255}$/;

/** Why a token was refused, as a problem detail and RFC 6750 error. */
class Unauthenticated extends Error {
  constructor(
    readonly code: 'unauthenticated' | 'invalid-token',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The onRequest hook of every business route: 401 without a valid token,
 * 503 while the identity provider's keys cannot be fetched (the token may be
 * good; the client should retry, not sign in again). Runs before the body is
 * read and validated, so an anonymous caller learns nothing about the API.
 */
export function createAuthenticator(options: AuthOptions) {
  // Keys are cached and fetched again when a token names an unknown key id
  // (rotation), at most every 30 s; a fetch gives up after 2 s.
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: 2_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });

  const challenge = (error?: Unauthenticated) =>
    error?.code === 'invalid-token'
      ? `Bearer realm="${options.realm}", error="invalid_token", error_description="${error.message.replace(/"/g, "'")}"`
      : `Bearer realm="${options.realm}"`;

  // Tokens already verified, until they expire (60 s at most, so a key the
  // provider withdraws stops being trusted soon): a caller sends the same
  // token with every request, and checking its signature each time costs
  // more CPU than the rest of a request. Keyed by the whole token,
  // signature included; bounded, oldest out first.
  const verified = new Map<string, { principal: Principal; until: number }>();

  async function verify(header: string | undefined): Promise<Principal> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header ?? '');
    if (!match) throw new Unauthenticated('unauthenticated', 'A bearer token is required');
    const token = match[1]!;
    const now = Date.now();
    const cached = verified.get(token);
    if (cached && cached.until > now) return cached.principal;
    if (cached) verified.delete(token);

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw refusal(error);
    }
    // The subject becomes an account's owner: an opaque printable id.
    if (!SUBJECT.test(payload.sub!)) {
      throw new Unauthenticated('invalid-token', "The token's subject is not an id this service accepts");
    }
    const principal = { subject: payload.sub!, scopes: scopesOf(payload) };
    if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
    verified.set(token, { principal, until: Math.min(payload.exp! * 1000, now + 60_000) });
    return principal;
  }

  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    try {
      request.principal = await verify(request.headers.authorization);
    } catch (error) {
      if (error instanceof Unauthenticated) {
        reply.header('www-authenticate', challenge(error));
        return sendProblem(reply, problem(401, error.code, error.message));
      }
      request.log.warn({ err: error }, "the identity provider's keys could not be fetched");
      reply.header('retry-after', '5');
      return sendProblem(
        reply,
        problem(503, 'auth-unavailable', 'Tokens cannot be verified right now', 'Retry in a few seconds.'),
      );
    }
  };
}

/** A token's refusal, in words a client developer can act on; other errors (keys unreachable) pass through. */
function refusal(error: unknown): unknown {
  if (error instanceof errors.JWTExpired) return new Unauthenticated('invalid-token', 'The token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new Unauthenticated('invalid-token', `The token's "${error.claim}" claim is not accepted (${error.reason})`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new Unauthenticated('invalid-token', 'The token is not signed by a key of the identity provider');
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported
  ) {
    return new Unauthenticated('invalid-token', 'The token is malformed or its signature is invalid');
  }
  return error;
}

function scopesOf(payload: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  if (typeof payload.scope === 'string') for (const s of payload.scope.split(' ')) if (s) scopes.add(s);
  if (Array.isArray(payload.scp)) for (const s of payload.scp) if (typeof s === 'string' && s) scopes.add(s);
  return scopes;
}
