"""``Idempotency-Key`` on every POST a person makes: a router dependency (``app.py``
puts it on every router whose callers carry a bearer token), so routes added later
take the header too.

The first request under a key records the key and a fingerprint of the request
(``api.request_fingerprint``). The same key with the same request is a
retry: it proceeds, and answers as the first did (a case id derived from the key,
a workflow update id derived from it: the action runs once). The same key with a
different request is refused with a 422 naming the header, before anything runs.

A first request refused with a 4xx (a field invalid, the case refused it) did
nothing: its key is released, so the corrected request may use it. One that failed
on our side (5xx, a timeout) may have done its work: its key stays taken.

Opening a case (``POST /cases``) takes its key with its own first writes, in one
transaction of the app database (``application.case_opening``): the key is recorded
here, ready (:class:`KeyTakenWithTheWrites`), and the service takes it.

Keys are per caller, named by the bearer token (read here, before the route's own
check: a request without a valid one is left to that check, which refuses it, and a
router reached some other way, such as a console's session, is not broken by this).
Signed machine callers (webhooks, inbound referrals: they have their own replay
protection), the codec and the probes are outside this.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, cast

from fastapi import Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import TokenVerifierDep, bearer_caller
from api.errors import status_for
from api.request_fingerprint import key_digest, request_fingerprint
from application.errors import Problem, RequestRejected
from relais.clock import utc_now
from relais.db.repositories.idempotency_keys import (
    KEY_RETENTION,
    IdempotencyKeys,
    KeyClaim,
    KeyUse,
)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
DESCRIPTION = (
    "Any string of yours (a UUID), new for each new request: the same key with the "
    "same request retries it safely (it runs once); the same key with another request "
    f"is refused (422, code `idempotency_key_reused`). Keys are kept {KEY_RETENTION.days} days."
)


ActionKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description=f"A retry under the same key runs the action once. {DESCRIPTION}",
    ),
]


async def get_idempotency_keys(request: Request) -> IdempotencyKeys:
    return cast(IdempotencyKeys, request.app.state.idempotency_keys)


IdempotencyKeysDep = Annotated[IdempotencyKeys, Depends(get_idempotency_keys)]


# Routes whose service records the key in its own first transaction.
TAKEN_BY_THE_SERVICE = frozenset({"POST /cases"})


@dataclass
class KeyTakenWithTheWrites:
    """A request's key, for its service to record with its own first writes."""

    keys: IdempotencyKeys
    digest: str
    fingerprint: str
    route: str
    now: datetime
    use: KeyUse | None = None  # once taken: the request's first use of it, or a retry

    async def take_in(self, session: AsyncSession) -> None:
        """Record the key in ``session``'s transaction; refused (and the transaction
        with it) when the key already names another request."""
        claim = await self.keys.claim_in(
            session, self.digest, self.fingerprint, self.route, self.now
        )
        if claim.use is KeyUse.REUSED:
            raise RequestRejected([_reused(claim, self.route)])
        self.use = claim.use


def route_template(request: Request) -> str:
    """``/cases/{case_id}/items``, not the path with its ids."""
    route = request.scope.get("route")
    template = getattr(route, "path", None)
    return template if isinstance(template, str) else request.url.path


async def idempotent_posts(
    request: Request, verifier: TokenVerifierDep, keys: IdempotencyKeysDep
) -> AsyncIterator[None]:
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        yield
        return
    # Keys are per caller; without one, the route refuses the request itself (401).
    caller = await bearer_caller(request, verifier)
    if caller is None:
        yield
        return
    _check(key)
    route = f"POST {route_template(request)}"
    digest = key_digest(caller.subject, key)
    fingerprint = request_fingerprint(
        key,
        request.method,
        route,
        request.path_params,
        request.query_params.multi_items(),
        await request.body(),
    )
    taken = None
    if route in TAKEN_BY_THE_SERVICE:
        taken = KeyTakenWithTheWrites(keys, digest, fingerprint, route, utc_now())
        request.state.key_taken = taken
    else:
        claim = await keys.claim(digest, fingerprint, route, utc_now())
        if claim.use is KeyUse.REUSED:
            raise RequestRejected([_reused(claim, route)])
        if claim.use is KeyUse.RETRY:
            yield
            return
    try:
        yield
    except Exception as exc:
        ours = taken is None or taken.use is KeyUse.FIRST  # not a retry's key
        if ours and 400 <= status_for(exc) < 500:
            await keys.release(digest, fingerprint)
        raise


IdempotentPosts = Depends(idempotent_posts)


async def key_taken(
    request: Request, _: Annotated[None, IdempotentPosts]
) -> KeyTakenWithTheWrites | None:
    """The key the route's service takes itself (None: no key, or taken already)."""
    found = getattr(request.state, "key_taken", None)
    return found if isinstance(found, KeyTakenWithTheWrites) else None


KeyTakenDep = Annotated[KeyTakenWithTheWrites | None, Depends(key_taken)]


def _check(key: str) -> None:
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        kind = "string_too_short" if not key else "string_too_long"
        raise RequestRejected(
            [
                Problem(
                    ("header", HEADER),
                    f"{HEADER}: 1 to {MAX_KEY_LENGTH} characters",
                    kind,
                    "idempotency_key_invalid",
                )
            ]
        )


def _reused(claim: KeyClaim, route: str) -> Problem:
    when = claim.first_used_at.strftime("%Y-%m-%d %H:%M UTC")
    what = "with other parameters or another body" if claim.route == route else claim.route
    return Problem(
        ("header", HEADER),
        f"{HEADER}: this key was already used on {when} for another request ({what}); "
        "nothing was done. Send a new key with each new request, and the same key only "
        "to retry the same request",
        "value_error",
        "idempotency_key_reused",
    )
