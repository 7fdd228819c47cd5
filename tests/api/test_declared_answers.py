"""Every route answers only statuses it declares, in the two states a fuzzer cannot
reach on a healthy stack: Temporal gone after the API connected to it (a route that
needs it says 503, "retry later"), and a case whose workflow is over (an update says
409). Each route is called with a body it takes, by each role it lets in, and its
answer is looked up in the API's own ``/openapi.json``."""

import asyncio
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.service import RetryConfig

from api.app import create_app
from api.doors import Callers
from application.acting import Rule
from chat.session import COOKIE, ChatSessions
from domain import contract
from relais.clock import utc_now
from relais.db.repositories.access import AccessReason, CaseAccessBook
from relais.serving import serve_app
from relais.settings import Role, Settings
from simulator.meta import whatsapp_payloads
from tests.api.conftest import ApiHarness, intake, open_case, signed
from tests.api.test_authorisation import BODIES, RULES, concrete
from tests.support.client import harness_auth, harness_subject

C, S = Role.COUNSELLOR, Role.SUPERVISOR

# A body each route that is not on a case takes (those on a case: ``BODIES``).
OTHER_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/cases"): intake(),
    ("POST", "/codec/decode"): {"payloads": []},
    ("POST", "/codec/encode"): {"payloads": []},
    ("POST", "/webhooks/platforms/{slug}"): {
        "notice_id": "tiktok-none",
        "idempotency_key": "k-1",
        "decision": "removed",
    },
    ("POST", "/webhooks/partners/{slug}"): {
        "referral_id": "none",
        "idempotency_key": "k-1",
        "status": "accepted",
    },
    ("POST", "/inbound/partners/{slug}/referrals"): {
        "inbound_reference": "FV-declared",
        "age_band": "15_17",
        "categories": ["cyberharassment"],
    },
}
SLUGS = {"/webhooks/platforms/{slug}": "tiktok"}
CHAT_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/chat/api/messages"): {"body": "bonjour"},
    ("POST", "/chat/api/leave"): {"reason": "left"},
    ("POST", "/chat/api/callback"): {"phone": "+33612345678"},
}


def path_of(template: str, case_id: str) -> str:
    if template in SLUGS:
        return template.replace("{slug}", SLUGS[template])
    return concrete(template.replace("{slug}", "france-victimes"), case_id)


async def call(
    api: httpx.AsyncClient, route: tuple[str, str], case_id: str, chat_session: str
) -> list[int]:
    """The statuses ``route`` answers to each caller it lets in."""
    method, template = route
    rule = RULES[route]
    path = path_of(template, case_id)
    body = BODIES.get(route, OTHER_BODIES.get(route))
    if rule == Callers.SIGNED:
        raw, headers = signed(body)
        return [(await api.request(method, path, content=raw, headers=headers)).status_code]
    if rule == Callers.CHANNEL:  # WhatsApp: its verify token, a young person's message
        return [await channel_call(api, method, template.replace("{slug}", "whatsapp"))]
    if rule == Callers.PUBLIC:
        return [(await api.request(method, path)).status_code]
    if rule == Callers.YOUNG_PERSON:  # the chat's session cookie, for a conversation
        chat_body = CHAT_BODIES.get(route)
        headers = {"Cookie": f"{COOKIE}={chat_session}", "Idempotency-Key": uuid.uuid4().hex}
        return [(await api.request(method, path, json=chat_body, headers=headers)).status_code]
    assert isinstance(rule, Rule)
    answers = []
    for role in rule.roles:
        response = await api.request(method, path, json=body, headers=harness_auth(role))
        answers.append(response.status_code)
    return answers


async def channel_call(api: httpx.AsyncClient, method: str, path: str) -> int:
    settings = Settings()
    if method == "GET":
        token = settings.whatsapp_verify_token.get_secret_value()
        query = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "42"}
        return (await api.get(path, params=query)).status_code
    entry = whatsapp_payloads.message(
        "text", wa_id="33699999999", message_id=f"wamid.{uuid.uuid4().hex}", at=utc_now(), text="?"
    )
    payload = whatsapp_payloads.inbound(
        "1", settings.whatsapp_phone_number_ids[0], "3018", "Lou", entry
    )
    raw = json.dumps(payload).encode()
    secret = settings.whatsapp_app_secret.get_secret_value().encode()
    signature = "sha256=" + hmac.new(secret, raw, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    return (await api.post(path, content=raw, headers=headers)).status_code


async def answers(api: httpx.AsyncClient, case_id: str, settings: Settings) -> dict[str, list[int]]:
    """``"METHOD /template"`` -> what the route answered to each caller (on the chat's
    routes, a young person whose session names a conversation that is not there)."""
    chat_session = ChatSessions(settings).token(uuid.uuid4().hex, utc_now())
    return {f"{m} {t}": await call(api, (m, t), case_id, chat_session) for m, t in sorted(RULES)}


async def undeclared(api: httpx.AsyncClient, answered: dict[str, list[int]]) -> dict[str, Any]:
    """The answers no route declares, by route."""
    paths = (await api.get("/openapi.json")).json()["paths"]
    found = {}
    for route, statuses in answered.items():
        method, template = route.split(" ", 1)
        declared = paths[template][method.lower()]["responses"]
        if outside := [s for s in statuses if str(s) not in declared]:
            found[route] = (outside, sorted(declared))
    return found


class Outage:
    """A TCP relay between the API and Temporal that can be cut, as a network fault
    or a Temporal crash would, once the API has connected."""

    def __init__(self, target: str) -> None:
        self._host, port = target.rsplit(":", 1)
        self._port = int(port)
        self._streams: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return f"127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self._host, self._port)
        self._streams += [writer, up_writer]
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    async def cut(self) -> None:
        self._server.close()
        for stream in self._streams:
            stream.transport.abort()
        await self._server.wait_closed()

    async def __aexit__(self, *_: object) -> None:
        await self.cut()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


@pytest.fixture
async def cut_off_api(api_harness: ApiHarness) -> AsyncIterator[tuple[httpx.AsyncClient, Outage]]:
    """The API in front of the session's database, its Temporal behind an :class:`Outage`
    (the client gives up at once, not after the SDK's ten seconds of retries)."""
    outage = Outage(api_harness.client.service_client.config.target_host)
    async with outage as address:
        client = await Client.connect(
            address,
            namespace=api_harness.client.namespace,
            data_converter=api_harness.client.data_converter,
            retry_config=RetryConfig(
                max_retries=1,
                initial_interval_millis=10,
                max_interval_millis=20,
                max_elapsed_time_millis=100,
            ),
        )
        app = create_app(
            api_harness.settings,
            temporal_client=client,
            database=api_harness.database,
            registry=api_harness.registry,
        )
        async with serve_app(app) as base_url:
            async with httpx.AsyncClient(base_url=base_url, timeout=30) as api:
                yield api, outage


async def test_with_temporal_gone_every_route_answers_what_it_declares(
    api_harness: ApiHarness, cut_off_api: tuple[httpx.AsyncClient, Outage]
) -> None:
    api, outage = cut_off_api
    case_id = await open_case(api)  # the counsellor's own: the read rule needs no Temporal
    await outage.cut()

    answered = await answers(api, case_id, api_harness.settings)

    assert await undeclared(api, answered) == {}
    for route in ("GET /cases/{case_id}", "POST /cases/{case_id}/items", "POST /cases"):
        assert set(answered[route]) == {503}, (route, answered[route])


@pytest.mark.parametrize("when", ["after it ran", "before it ran"])
async def test_on_a_case_whose_workflow_is_over_every_route_answers_what_it_declares(
    api_harness: ApiHarness, when: str
) -> None:
    """Stopped by hand (``temporal workflow terminate``): every update is a 409; a read
    answers from the history, or (stopped before its first task ran: nothing to
    answer from) a 409 too, where it was a 500."""
    api, client = api_harness.api, api_harness.client
    if when == "after it ran":
        case_id = await open_case(api)
        assert (await api.get(f"/cases/{case_id}", headers=harness_auth(C))).status_code == 200
    else:  # a case of the counsellor's that no worker ever picked up
        case_id = uuid.uuid4().hex
        await client.start_workflow(
            "SupportCaseWorkflow",
            id=contract.SUPPORT_CASE.workflow_id(case_id),
            task_queue=f"nobody-polls-{case_id}",
        )
        await CaseAccessBook(api_harness.database).grant(
            case_id, harness_subject(C), AccessReason.OWNER, harness_subject(C), utc_now()
        )
    handle = client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
    await handle.terminate("the case's workflow is over")

    answered = await answers(api, case_id, api_harness.settings)

    assert await undeclared(api, answered) == {}
    assert 409 in answered["POST /cases/{case_id}/items"], answered
    read = answered["GET /cases/{case_id}"]
    assert 200 in read if when == "after it ran" else 409 in read, read
