"""Production sign-in: OpenID Connect, authorization code flow with PKCE, against a
small provider this test serves over HTTP. The role comes from the same claim as the
API's JWTs; a wrong state, a role-less person or a replayed answer signs no one in;
with a provider configured, local tokens are not accepted."""

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.app import create_app
from relais.db import AuditLog
from relais.serving import free_port, serve_app
from tests.support.console import console_user
from tests.support.oidc_provider import Person, Provider, provider_app, s256
from tests.support.stack import Stack

CLIENT_ID = "relais-console"


@pytest.fixture(scope="module")
async def provider() -> AsyncIterator[Provider]:
    idp = Provider(client_id=CLIENT_ID)
    port = free_port()
    idp.issuer = f"http://127.0.0.1:{port}"
    async with serve_app(provider_app(idp), port=port):
        yield idp


@pytest.fixture(scope="module")
async def console_url(stack: Stack, provider: Provider) -> AsyncIterator[str]:
    """The API (and its console) as production runs it: sign-in through the provider."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = stack.settings.model_copy(
        update={
            "console_oidc_issuer": provider.issuer,
            "console_oidc_client_id": CLIENT_ID,
            "public_api_url": url,
            "jwt_role_claim": "realm_access.roles",
        }
    )
    app = create_app(
        settings, temporal_client=stack.client, database=stack.database, registry=stack.registry
    )
    async with serve_app(app, port=port):
        yield url


async def through_the_provider(
    console: httpx.AsyncClient, provider: Provider
) -> tuple[httpx.Response, dict[str, Any]]:
    """Press "sign in", let the provider sign the chosen person in, come back."""
    start = await console.get("/console/sign-in/oidc")
    assert start.status_code == 303, start.text
    asked = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
    async with httpx.AsyncClient() as browser_to_idp:
        answer = await browser_to_idp.get(start.headers["location"])
    assert answer.status_code == 302, answer.text
    back = answer.headers["location"]
    return await console.get(back), asked


async def test_a_supervisor_signs_in_through_the_provider_with_pkce(
    console_url: str, provider: Provider, stack: Stack
) -> None:
    provider.signs_in = Person("alice-sup", {"realm_access": {"roles": ["supervisor", "other"]}})
    user = console_user(console_url)
    signed_in, asked = await through_the_provider(user.http, provider)
    assert asked["code_challenge_method"] == "S256"
    assert asked["client_id"] == CLIENT_ID and asked["response_type"] == "code"
    assert asked["redirect_uri"] == f"{console_url}/console/sign-in/callback"
    assert len(asked["state"]) >= 32 and len(asked["nonce"]) >= 32
    # The verifier the console sent at the token endpoint matches the challenge it gave.
    verifier = provider.token_requests[-1]["code_verifier"]
    assert s256(verifier) == asked["code_challenge"] and verifier not in str(asked)
    # A supervisor's day starts on the dashboard.
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/console/dashboard"
    session = signed_in.headers["set-cookie"]
    assert "HttpOnly" in session and "SameSite=lax" in session and "Path=/console" in session
    home = await user.page("/dashboard")
    assert home.status_code == 200
    assert re.search(r"Connecté : alice-sup \(superviseur", home.text)
    entries = await AuditLog(stack.database).list(action="console.sign_in")
    assert ("alice-sup", "supervisor", "via=oidc") in {(e.actor, e.role, e.detail) for e in entries}


async def test_the_provider_answer_must_match_the_sign_in_under_way(
    console_url: str, provider: Provider
) -> None:
    provider.signs_in = Person("bob", {"realm_access": {"roles": ["counsellor"]}})
    user = console_user(console_url)
    start = await user.http.get("/console/sign-in/oidc")
    async with httpx.AsyncClient() as idp:
        answer = await idp.get(start.headers["location"])
    back = answer.headers["location"]
    forged = re.sub(r"state=[^&]+", "state=forged", back)
    refused = await user.http.get(forged)
    assert refused.status_code == 401 and "La connexion a échoué" in refused.text
    # Another browser (no sign-in under way there) cannot use the answer either.
    stranger = console_user(console_url)
    assert (await stranger.http.get(back)).status_code == 401
    assert (await stranger.page("/worklist")).status_code == 303


async def test_no_role_no_console_and_no_local_tokens_in_production(
    console_url: str, provider: Provider
) -> None:
    provider.signs_in = Person("carol", {"realm_access": {"roles": ["visitor"]}})
    user = console_user(console_url)
    refused, _ = await through_the_provider(user.http, provider)
    assert refused.status_code == 401
    assert (await user.page("/worklist")).status_code == 303
    form = await user.page("/sign-in")
    assert 'name="token"' not in form.text and "/console/sign-in/oidc" in form.text
    tried = await user.send("/sign-in", "/sign-in", {"token": "local-supervisor-token"})
    assert tried.status_code == 400
