// The identity provider of the golden-path benchmark: an ES256 key whose
// public half is served as a JWKS document on loopback (the service fetches
// it as it would from the platform's provider), and a service token with
// every accounts scope written to a file for the load generator.
//
//   node golden-path-issuer.mjs <port> <audience> <tokenFile>
//
// Runs until killed.
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const [portArg, audience, tokenFile] = process.argv.slice(2);
if (!portArg || !audience || !tokenFile) {
  console.error('usage: golden-path-issuer.mjs <port> <audience> <tokenFile>');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${portArg}/`;
const { publicKey, privateKey } = await generateKeyPair('ES256');
const jwks = JSON.stringify({
  keys: [
    {
      ...(await exportJWK(publicKey)),
      kid: 'bench-1',
      alg: 'ES256',
      use: 'sig',
    },
  ],
});
const server = createServer((request, response) => {
  if (request.url === '/.well-known/jwks.json') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  } else {
    response.writeHead(404).end();
  }
});
await new Promise(resolve =>
  server.listen(Number(portArg), '127.0.0.1', resolve),
);
const token = await new SignJWT({ scope: 'accounts:read accounts:write' })
  .setProtectedHeader({ alg: 'ES256', kid: 'bench-1' })
  .setSubject('svc-bench-load')
  .setIssuer(issuer)
  .setAudience(audience)
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(privateKey);
writeFileSync(tokenFile, token);
console.log(
  JSON.stringify({ issuer, jwksUrl: `${issuer}.well-known/jwks.json` }),
);
