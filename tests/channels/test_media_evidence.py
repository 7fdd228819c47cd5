"""A photo a young person sends on WhatsApp or Messenger, added to their case's evidence
by the counsellor, through the whole stack (Temporal dev server, worker, API and console
over loopback HTTP, SQLite, the evidence folder, the simulator playing Meta's Graph API):
refused while the conversation is not linked to a case, then fetched from Meta when the
counsellor answers "is it an intimate image?" (no: in the evidence, its SHA-256 the
simulator's; added once however often they click); yes: its hashes only, a marker
written in its bytes found nowhere on disk or in the database); a file Meta no longer
has is said plainly (410), not a 5xx. On SQLite and on PostgreSQL."""

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from temporalio.testing import WorkflowEnvironment

from tests.channels.support import (
    answer,
    finish,
    keyed,
    media_lines,
    meta,
    meta_stack,
    sends_a_picture,
    take_offer,
)
from tests.evidence.files import picture, png
from tests.evidence.support import database_bytes, folder_bytes
from tests.support.client import TOKENS, auth
from tests.support.console import console_user
from tests.support.databases import BACKENDS
from tests.support.stack import Stack

SENDERS = {"whatsapp": "33611118001", "messenger": "7100000000008001"}


@pytest.fixture(scope="module", params=BACKENDS)
async def stack(
    request: pytest.FixtureRequest,
    local_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("channel-media")
    async with meta_stack(local_env.client, folder, request.param) as running:
        yield running


def add(stack: Stack, cid: str, seq: int, intimate: bool) -> Any:
    return stack.api.post(
        f"/conversations/{cid}/lines/{seq}/evidence",
        params={"intimate": str(intimate).lower()},
        headers=auth("counsellor"),
    )


async def audit_actions(stack: Stack, case_id: str) -> list[str]:
    async with stack.database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT action FROM audit_log WHERE case_id = :case ORDER BY id"),
            {"case": case_id},
        )
        return [row[0] for row in rows]


async def downloads(stack: Stack, channel: str) -> int:
    found = await answer(
        stack.simulator.get("/_control/meta/requests", params={"channel": channel})
    )
    return sum(1 for r in found if r["kind"] == "media_download" and r["status"] == 200)


@pytest.mark.parametrize("channel", ["whatsapp", "messenger"])
async def test_a_photo_sent_on_the_channel_lands_in_the_case_once_and_intimate_ones_leave_nothing(
    stack: Stack, channel: str
) -> None:
    me, api, sender = auth("counsellor"), stack.api, SENDERS[channel]
    photo = png(picture(seed=71 if channel == "whatsapp" else 72))
    await sends_a_picture(stack, channel, sender, photo)
    cid = await take_offer(stack, me, channel, sender)
    [line] = await media_lines(stack, cid, 1)
    assert line["channel_media"] and not line["file_sent"]
    assert line["body"].startswith("[image")

    # Not linked to a case yet: refused plainly, nothing fetched from Meta
    before = await downloads(stack, channel)
    early = await add(stack, cid, line["seq"], intimate=False)
    assert early.status_code == 422, early.text
    assert early.json()["detail"][0]["code"] == "no_case_yet"
    assert await downloads(stack, channel) == before

    intake = {
        "channel": channel,
        "caller_role": "victim",
        "age_band": "15_17",
        "categories": ["cyberharassment"],
    }
    case = await answer(api.post(f"/conversations/{cid}/case", json=intake, headers=keyed(me)), 201)
    case_id = case["case_id"]

    added = await answer(add(stack, cid, line["seq"], intimate=False), 201)
    assert added["sha256"] == hashlib.sha256(photo).hexdigest()
    said = (added["channel"], added["added_by"], added["kept"])
    assert said == (channel, "local-counsellor", True)
    again = await answer(add(stack, cid, line["seq"], intimate=False), 201)  # a double click
    assert again["evidence_id"] == added["evidence_id"]
    assert await downloads(stack, channel) == before + 1  # fetched once
    manifest = await answer(api.get(f"/cases/{case_id}/evidence", headers=me))
    assert [x["evidence_id"] for x in manifest["evidence"]] == [added["evidence_id"]]
    assert (await audit_actions(stack, case_id)).count("evidence.add") == 1
    [line] = await media_lines(stack, cid, 1)
    assert line["file_sent"] and line["media_added"] and not line["channel_media"]

    # An intimate image: its hashes only, no byte of it anywhere
    marker = f"ChannelIntimate-{secrets.token_hex(8)}"
    intimate = png(picture(seed=73 if channel == "whatsapp" else 74), marker=marker)
    await sends_a_picture(stack, channel, sender, intimate)
    lines = await media_lines(stack, cid, 2)
    hashes_only = await answer(add(stack, cid, lines[1]["seq"], intimate=True), 201)
    assert hashes_only["sha256"] == hashlib.sha256(intimate).hexdigest()
    assert (hashes_only["intimate"], hashes_only["kept"]) == (True, False)
    assert hashes_only["hash_routes"] == ["take_it_down", "stopncii"]
    gone = await api.get(f"/cases/{case_id}/evidence/{hashes_only['evidence_id']}", headers=me)
    assert gone.status_code == 410
    everything = folder_bytes(stack.settings.evidence_dir) + await database_bytes(stack.database)
    assert marker.encode() not in everything
    slices = [intimate[i : i + 48] for i in range(100, len(intimate) - 48, len(intimate) // 7)]
    assert not any(piece in everything for piece in slices)

    # Gone at Meta (past its retention): said plainly, nothing added
    media_id = await sends_a_picture(stack, channel, sender, png(picture(seed=75)))
    lines = await media_lines(stack, cid, 3)
    deleted = await stack.simulator.delete(f"/_control/meta/media/{media_id}")
    assert deleted.status_code == 204
    late = await add(stack, cid, lines[2]["seq"], intimate=False)
    assert late.status_code == 410, late.text
    assert "no longer has this file" in late.text and "send it again" in late.text
    manifest = await answer(api.get(f"/cases/{case_id}/evidence", headers=me))
    assert len(manifest["evidence"]) == 2
    await finish(stack, cid, me)


async def test_the_counsellor_adds_it_from_the_conversation_screen(stack: Stack) -> None:
    me, api, sender = auth("counsellor"), stack.api, "33611118002"
    photo = png(picture(seed=76))
    await sends_a_picture(stack, "whatsapp", sender, photo)
    cid = await take_offer(stack, me, "whatsapp", sender)
    [line] = await media_lines(stack, cid, 1)
    form, action = f"media-{line['seq']}", f"/conversations/{cid}/lines/{line['seq']}/evidence"
    lea = console_user(str(api.base_url))
    await lea.sign_in(TOKENS["counsellor"])
    screen = f"/conversations?c={cid}"
    drawn = unescape((await lea.page(screen)).text)
    assert f'id="{form}"' in drawn and "Ajouter aux preuves du dossier" in drawn
    assert "Est-ce une image intime ?" in drawn

    unanswered = await lea.send(screen, action, {}, form_id=form)
    assert unanswered.status_code == 422
    assert "Indiquez s'il s'agit d'une image intime." in unescape(unanswered.text)
    early = await lea.send(screen, action, {"intimate": "no"}, form_id=form)
    assert early.status_code == 422
    assert "Rattachez d'abord la conversation à un dossier" in unescape(early.text)

    intake = {
        "channel": "whatsapp",
        "caller_role": "victim",
        "age_band": "15_17",
        "categories": ["cyberharassment"],
    }
    case = await answer(api.post(f"/conversations/{cid}/case", json=intake, headers=keyed(me)), 201)
    added = await lea.send(screen, action, {"intimate": "no"}, form_id=form)
    assert added.status_code == 303, added.text[:500]
    assert added.headers["location"].endswith("done=media_added")
    after = unescape((await lea.page(screen + "&done=media_added")).text)
    assert "Fichier ajouté aux preuves du dossier." in after
    assert f'href="/console/cases/{case["case_id"]}#evidence"' in after
    assert "Ajouté aux preuves du dossier : voir" in after
    assert f'id="{form}"' not in after  # added: the line links to it, no form any more
    manifest = await answer(api.get(f"/cases/{case['case_id']}/evidence", headers=me))
    [kept] = manifest["evidence"]
    assert kept["sha256"] == hashlib.sha256(photo).hexdigest()
    assert kept["channel"] == "whatsapp"
    await finish(stack, cid, me)


async def test_meta_failing_for_a_moment_is_tried_again_and_an_outage_said_plainly(
    stack: Stack,
) -> None:
    me, api, sender = auth("counsellor"), stack.api, "33611118003"
    first, second = png(picture(seed=77)), png(picture(seed=78))
    await sends_a_picture(stack, "whatsapp", sender, first)
    cid = await take_offer(stack, me, "whatsapp", sender)
    await sends_a_picture(stack, "whatsapp", sender, second)
    lines = await media_lines(stack, cid, 2)
    intake = {
        "channel": "whatsapp",
        "caller_role": "victim",
        "age_band": "15_17",
        "categories": ["cyberharassment"],
    }
    case = await answer(api.post(f"/conversations/{cid}/case", json=intake, headers=keyed(me)), 201)

    try:
        await meta(stack, "whatsapp", faults_on="get", fail_next=1)  # one 500, then fine
        added = await answer(add(stack, cid, lines[0]["seq"], intimate=False), 201)
        assert added["sha256"] == hashlib.sha256(first).hexdigest()

        await meta(stack, "whatsapp", faults_on="get", fail_next=50)  # down for a while
        down = await add(stack, cid, lines[1]["seq"], intimate=False)
        assert down.status_code == 503, down.text
        assert "try again in a moment" in down.text
    finally:
        await meta(stack, "whatsapp", faults_on="all", fail_next=0)
    manifest = await answer(api.get(f"/cases/{case['case_id']}/evidence", headers=me))
    assert [x["evidence_id"] for x in manifest["evidence"]] == [added["evidence_id"]]
    back = await answer(add(stack, cid, lines[1]["seq"], intimate=False), 201)  # click again
    assert back["sha256"] == hashlib.sha256(second).hexdigest()
    assert (await audit_actions(stack, case["case_id"])).count("evidence.add") == 2
    await finish(stack, cid, me)


async def test_two_clicks_at_once_add_it_once_and_a_file_not_taken_is_named(
    stack: Stack,
) -> None:
    me, api, sender = auth("counsellor"), stack.api, "33611118004"
    photo = png(picture(seed=80))
    await sends_a_picture(stack, "whatsapp", sender, photo)
    cid = await take_offer(stack, me, "whatsapp", sender)
    await sends_a_picture(stack, "whatsapp", sender, b"PK\x03\x04 a zip", "application/zip")
    photo_line, zip_line = await media_lines(stack, cid, 2)
    intake = {
        "channel": "whatsapp",
        "caller_role": "victim",
        "age_band": "15_17",
        "categories": ["cyberharassment"],
    }
    case = await answer(api.post(f"/conversations/{cid}/case", json=intake, headers=keyed(me)), 201)

    both = await asyncio.gather(*(add(stack, cid, photo_line["seq"], False) for _ in range(2)))
    assert [r.status_code for r in both] == [201, 201], [r.text for r in both]
    assert both[0].json()["evidence_id"] == both[1].json()["evidence_id"]
    refused = await add(stack, cid, zip_line["seq"], intimate=False)
    assert refused.status_code == 415, refused.text
    assert refused.json()["detail"][0]["code"] == "evidence_unsupported_type"
    manifest = await answer(api.get(f"/cases/{case['case_id']}/evidence", headers=me))
    assert [x["sha256"] for x in manifest["evidence"]] == [hashlib.sha256(photo).hexdigest()]
    assert (await audit_actions(stack, case["case_id"])).count("evidence.add") == 1
    await finish(stack, cid, me)


async def asked_again(stack: Stack) -> list[int]:
    """The statuses of Relais' requests for a Messenger message's attachments."""
    found = await answer(
        stack.simulator.get("/_control/meta/requests", params={"channel": "messenger"})
    )
    return [r["status"] for r in found if r["kind"] == "message_attachments"]


async def test_an_expired_messenger_url_is_refreshed_and_a_deleted_file_is_gone(
    stack: Stack,
) -> None:
    me, api, sender, channel = auth("counsellor"), stack.api, "7100000000008005", "messenger"
    photo, later = png(picture(seed=81)), png(picture(seed=82))
    media_id = await sends_a_picture(stack, channel, sender, photo)
    cid = await take_offer(stack, me, channel, sender)
    later_id = await sends_a_picture(stack, channel, sender, later)
    lines = await media_lines(stack, cid, 2)
    intake = {
        "channel": channel,
        "caller_role": "victim",
        "age_band": "15_17",
        "categories": ["cyberharassment"],
    }
    case = await answer(api.post(f"/conversations/{cid}/case", json=intake, headers=keyed(me)), 201)
    before = await asked_again(stack)

    # Days later: the webhook's signed URL has expired; the message's files give a fresh one
    await answer(stack.simulator.post(f"/_control/meta/media/{media_id}/expire-urls"))
    added = await answer(add(stack, cid, lines[0]["seq"], intimate=False), 201)
    assert added["sha256"] == hashlib.sha256(photo).hexdigest()
    assert await asked_again(stack) == [*before, 200]
    manifest = await answer(api.get(f"/cases/{case['case_id']}/evidence", headers=me))
    assert [x["sha256"] for x in manifest["evidence"]] == [added["sha256"]]

    # Deleted at Meta: the fresh URL is refused too, and the file is said gone
    await answer(stack.simulator.post(f"/_control/meta/media/{later_id}/expire-urls"))
    assert (await stack.simulator.delete(f"/_control/meta/media/{later_id}")).status_code == 204
    gone = await add(stack, cid, lines[1]["seq"], intimate=False)
    assert gone.status_code == 410, gone.text
    assert "no longer has this file" in gone.text and "send it again" in gone.text
    assert await asked_again(stack) == [*before, 200, 400]
    manifest = await answer(api.get(f"/cases/{case['case_id']}/evidence", headers=me))
    assert len(manifest["evidence"]) == 1
    await finish(stack, cid, me)
