"""Who is calling, from the bearer token (a JWT issued by the platform's
identity provider, verified against its published keys):

- a member: `sub` is their id, and they act on what they own;
- another service: the token carries scopes (`scope`, space-separated, or
  `scp`, an array) that grant access to any account.

`Authenticator` is a dependency of every business route: 401 without a valid
token, 503 while the identity provider's keys cannot be fetched (the token
may be good; the client should retry, not sign in again). It runs before the
body is read and validated, so an anonymous caller learns nothing about the
API.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import jwt.exceptions
from starlette.requests import Request

from app.api.problems import ProblemError, problem
from app.infrastructure.logger import Logger

# Asymmetric signatures only: a JWKS never holds a shared secret, and "none"
# is never accepted.
ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")
_KEY_TYPES = {"RS256": "RSA", "PS256": "RSA", "ES256": "EC", "EdDSA": "OKP"}
CLOCK_TOLERANCE_SECONDS = 30
#: Verified tokens kept (oldest out first), each 60 s at most.
VERIFIED_TOKENS_KEPT = 10_000
VERIFIED_TOKEN_SECONDS = 60
#: Printable ASCII without spaces, 1 to 255 characters (the OwnerId of the OpenAPI document).
_SUBJECT = re.compile(r"[\x21-\x7E]{1,255}")
_BEARER = re.compile(r"Bearer ([A-Za-z0-9._~+/-]+=*)")


@dataclass(frozen=True)
class Principal:
    subject: str
    scopes: frozenset[str]


def has_scope(principal: Principal, scope: str) -> bool:
    return scope in principal.scopes


@dataclass(frozen=True)
class AuthOptions:
    issuer: str
    audience: str
    jwks_url: str
    #: Name given in WWW-Authenticate (the service's name).
    realm: str


class Unauthenticated(Exception):
    """Why a token was refused, as a problem detail and RFC 6750 error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class KeysUnavailable(Exception):
    """The identity provider's keys could not be fetched."""


class RemoteKeySet:
    """The identity provider's published keys (JWKS), fetched on first use,
    again after 10 minutes, and when a token names a key it does not have
    (rotation), at most every 30 s. A fetch gives up after 2 s; concurrent
    requests share one fetch."""

    def __init__(
        self,
        url: str,
        client: httpx.AsyncClient,
        *,
        timeout_seconds: float = 2.0,
        cooldown_seconds: float = 30.0,
        max_age_seconds: float = 600.0,
    ) -> None:
        self._url = url
        self._client = client
        self._timeout = timeout_seconds
        self._cooldown = cooldown_seconds
        self._max_age = max_age_seconds
        self._keys: list[dict[str, Any]] | None = None
        self._fetched_at = 0.0
        self._pending: asyncio.Future[None] | None = None

    async def candidates(self, header: Mapping[str, Any]) -> list[jwt.PyJWK]:
        if self._keys is None or time.monotonic() - self._fetched_at > self._max_age:
            await self._reload()
        found = self._matching(header)
        if not found and time.monotonic() - self._fetched_at > self._cooldown:
            await self._reload()
            found = self._matching(header)
        if not found:
            raise Unauthenticated("invalid-token", "The token is not signed by a key of the identity provider")
        return found

    def _matching(self, header: Mapping[str, Any]) -> list[jwt.PyJWK]:
        algorithm = header.get("alg")
        kid = header.get("kid")
        found = []
        for jwk in self._keys or []:
            if kid is not None and jwk.get("kid") != kid:
                continue
            if jwk.get("kty") != _KEY_TYPES.get(str(algorithm)):
                continue
            if jwk.get("use") not in (None, "sig") or jwk.get("alg") not in (None, algorithm):
                continue
            try:
                found.append(jwt.PyJWK(jwk, algorithm=str(algorithm)))
            except jwt.PyJWTError:
                continue  # a key this service cannot use (another curve, a bad encoding)
        return found

    async def _reload(self) -> None:
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._fetch())
        pending = self._pending
        try:
            await asyncio.shield(pending)
        finally:
            if self._pending is pending and pending.done():
                self._pending = None

    async def _fetch(self) -> None:
        try:
            response = await self._client.get(self._url, timeout=self._timeout)
            response.raise_for_status()
            keys = response.json()["keys"]
            if not isinstance(keys, list):
                raise ValueError("keys is not a list")
        except Exception as error:
            # The cause is in the message; its traceback would only repeat the HTTP client's internals.
            raise KeysUnavailable(f"{self._url}: {type(error).__name__}: {error}") from None
        self._keys = [key for key in keys if isinstance(key, dict)]
        self._fetched_at = time.monotonic()


class Authenticator:
    """The FastAPI dependency that gives each business route its caller."""

    def __init__(self, options: AuthOptions, logger: Logger) -> None:
        self._options = options
        self._logger = logger
        # Only the identity provider is called: no proxy from the environment.
        self._client = httpx.AsyncClient(trust_env=False, follow_redirects=False)
        self._keys = RemoteKeySet(options.jwks_url, self._client)
        # Tokens already verified, until they expire (60 s at most, so a key the
        # provider withdraws stops being trusted soon): a caller sends the same
        # token with every request, and checking its signature each time costs
        # more CPU than the rest of a request. Keyed by the whole token,
        # signature included; bounded, oldest out first.
        self._verified: dict[str, tuple[Principal, float]] = {}

    async def __call__(self, request: Request) -> Principal:
        try:
            principal = await self.verify(request.headers.get("authorization"))
        except Unauthenticated as error:
            raise ProblemError(
                problem(401, error.code, error.message), headers={"www-authenticate": self.challenge(error)}
            ) from None
        except KeysUnavailable as error:
            self._logger.warn("the identity provider's keys could not be fetched", err=error)
            raise ProblemError(
                problem(503, "auth-unavailable", "Tokens cannot be verified right now", "Retry in a few seconds."),
                headers={"retry-after": "5"},
            ) from None
        request.state.principal = principal
        return principal

    def challenge(self, error: Unauthenticated | None = None) -> str:
        realm = f'Bearer realm="{self._options.realm}"'
        if error is not None and error.code == "invalid-token":
            description = error.message.replace('"', "'")
            return f'{realm}, error="invalid_token", error_description="{description}"'
        return realm

    async def verify(self, header: str | None) -> Principal:
        match = _BEARER.fullmatch(header or "")
        if not match:
            raise Unauthenticated("unauthenticated", "A bearer token is required")
        token = match.group(1)
        now = time.time()
        cached = self._verified.get(token)
        if cached is not None:
            if cached[1] > now:
                return cached[0]
            del self._verified[token]

        claims = await self._claims(token)
        subject = claims["sub"]
        # The subject becomes an account's owner: an opaque printable id.
        if not isinstance(subject, str) or not _SUBJECT.fullmatch(subject):
            raise Unauthenticated("invalid-token", "The token's subject is not an id this service accepts")
        principal = Principal(subject=subject, scopes=_scopes(claims))
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            del self._verified[next(iter(self._verified))]
        self._verified[token] = (principal, min(float(claims["exp"]), now + VERIFIED_TOKEN_SECONDS))
        return principal

    async def _claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _malformed() from None
        if header.get("alg") not in ALGORITHMS:
            raise _malformed()
        keys = await self._keys.candidates(header)
        for key in keys:
            try:
                return jwt.decode(
                    token,
                    key=key,
                    algorithms=list(ALGORITHMS),
                    audience=self._options.audience,
                    issuer=self._options.issuer,
                    leeway=CLOCK_TOLERANCE_SECONDS,
                    options={"require": ["sub", "exp"]},
                )
            except jwt.InvalidSignatureError:
                continue  # another key of the same id and type may have signed it
            except jwt.PyJWTError as error:
                raise _refusal(error) from None
        raise _malformed()

    async def aclose(self) -> None:
        await self._client.aclose()


def _malformed() -> Unauthenticated:
    return Unauthenticated("invalid-token", "The token is malformed or its signature is invalid")


def _claim_refused(claim: str, reason: str) -> Unauthenticated:
    return Unauthenticated("invalid-token", f'The token\'s "{claim}" claim is not accepted ({reason})')


def _refusal(error: jwt.PyJWTError) -> Unauthenticated:
    """A token's refusal, in words a client developer can act on."""
    if isinstance(error, jwt.ExpiredSignatureError):
        return Unauthenticated("invalid-token", "The token has expired")
    if isinstance(error, jwt.MissingRequiredClaimError):
        return _claim_refused(error.claim, "missing")
    if isinstance(error, jwt.InvalidAudienceError):
        return _claim_refused("aud", "check_failed")
    if isinstance(error, jwt.InvalidIssuerError):
        return _claim_refused("iss", "check_failed")
    if isinstance(error, jwt.ImmatureSignatureError):
        return _claim_refused("iat" if "iat" in str(error) else "nbf", "check_failed")
    if isinstance(error, jwt.exceptions.InvalidSubjectError):
        return _claim_refused("sub", "invalid")
    if isinstance(error, jwt.InvalidIssuedAtError):
        return _claim_refused("iat", "invalid")
    return _malformed()


def _scopes(claims: Mapping[str, Any]) -> frozenset[str]:
    scopes: set[str] = set()
    if isinstance(claims.get("scope"), str):
        scopes.update(s for s in claims["scope"].split(" ") if s)
    if isinstance(claims.get("scp"), list):
        scopes.update(s for s in claims["scp"] if isinstance(s, str) and s)
    return frozenset(scopes)
