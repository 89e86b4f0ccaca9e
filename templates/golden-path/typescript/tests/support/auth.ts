import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { SERVICE } from '../../src/app/config';

/**
 * A real identity provider, as far as the service can tell: an ES256 key
 * pair whose public half is served as a JWKS document over HTTP on loopback,
 * and tokens signed with the private half. One per test file (started on
 * first use).
 */
export interface TestIssuer {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** A signed access token; `scope` makes it a service's, its absence a member's. */
  token(claims: { sub: string; scope?: string }, options?: TokenOptions): Promise<string>;
  /** A token signed by a key the JWKS does not publish (a forgery). */
  foreignToken(claims: { sub: string }): Promise<string>;
}

export interface TokenOptions {
  audience?: string;
  issuer?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
}

/** Scopes of the service token the tests call the API with unless they say otherwise. */
export const ALL_SCOPES = {% if values.ownsTables %}'accounts:read accounts:write'{% else %}''{% endif %};

let started: Promise<TestIssuer> | undefined;

export function testIssuer(): Promise<TestIssuer> {
  started ??= startIssuer();
  return started;
}

async function startIssuer(): Promise<TestIssuer> {
  const keyId = 'test-key-1';
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const foreign = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: keyId, alg: 'ES256', use: 'sig' };
  const server: Server = createServer((request, response) => {
    if (request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  // Ends with the test file's worker; nothing to close.
  server.unref();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/`;
  const audience = SERVICE.name;

  const sign = (key: CryptoKey, kid: string, claims: { sub: string; scope?: string }, options: TokenOptions = {}) =>
    new SignJWT(claims.scope ? { scope: claims.scope } : {})
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .setSubject(claims.sub)
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 300))
      .sign(key);

  return {
    issuer,
    audience,
    jwksUrl: `${base}/.well-known/jwks.json`,
    token: (claims, options) => sign(privateKey, keyId, claims, options),
    foreignToken: claims => sign(foreign.privateKey, keyId, claims),
  };
}
