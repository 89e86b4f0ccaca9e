"""A real identity provider, as far as the service can tell: an ES256 key
pair whose public half is served as a JWKS document over HTTP on loopback,
and tokens signed with the private half. One per test run (started on first
use)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from app.config import SERVICE

#: Scopes of the service token the tests call the API with unless they say otherwise.
ALL_SCOPES = {% if values.ownsTables %}"accounts:read accounts:write"{% else %}""{% endif %}
KEY_ID = "test-key-1"


@dataclass
class Issuer:
    issuer: str
    audience: str
    jwks_url: str
    _key: ec.EllipticCurvePrivateKey
    _foreign: ec.EllipticCurvePrivateKey

    def token(
        self,
        sub: str,
        scope: str | None = None,
        *,
        audience: str | None = None,
        issuer: str | None = None,
        expires_in: int = 300,
    ) -> str:
        """A signed access token; `scope` makes it a service's, its absence a member's.
        `expires_in` is in seconds from now, negative for an expired token."""
        return self._sign(self._key, sub, scope, audience=audience, issuer=issuer, expires_in=expires_in)

    def foreign_token(self, sub: str) -> str:
        """A token signed by a key the JWKS does not publish (a forgery), with its key id."""
        return self._sign(self._foreign, sub, None)

    def _sign(
        self,
        key: ec.EllipticCurvePrivateKey,
        sub: str,
        scope: str | None,
        *,
        audience: str | None = None,
        issuer: str | None = None,
        expires_in: int = 300,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": sub,
            "iss": issuer or self.issuer,
            "aud": audience or self.audience,
            "iat": now,
            "exp": now + expires_in,
        }
        if scope:
            claims["scope"] = scope
        return jwt.encode(claims, key, algorithm="ES256", headers={"kid": KEY_ID, "typ": "at+jwt"})


_started: Issuer | None = None
_lock = threading.Lock()


def get_issuer() -> Issuer:
    global _started
    with _lock:
        if _started is None:
            _started = _start()
        return _started


def _start() -> Issuer:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = {**json.loads(ECAlgorithm.to_jwk(key.public_key())), "kid": KEY_ID, "alg": "ES256", "use": "sig"}
    document = json.dumps({"keys": [jwk]}).encode()

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/.well-known/jwks.json":
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(document)))
                self.end_headers()
                self.wfile.write(document)
            else:
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    server.daemon_threads = True
    # Ends with the test run; nothing to close.
    threading.Thread(target=server.serve_forever, name="test-issuer", daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    return Issuer(
        issuer=f"{base}/",
        audience=SERVICE.name,
        jwks_url=f"{base}/.well-known/jwks.json",
        _key=key,
        _foreign=ec.generate_private_key(ec.SECP256R1()),
    )
