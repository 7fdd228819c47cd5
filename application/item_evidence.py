"""A counsellor qualifies a harmful item and gives its screenshot in the same step, so
the first notice to the platform carries it: the file is taken into the case's
evidence first (``application.evidence.take_in``, its own audit line), then the item
is qualified naming the file's SHA-256 (``application.case_actions.qualify``), then the
file is filed under the item's notice id. The notice chooses its files by either
link (``activities.notice_attachments.linked``): the hash is there before the notice
starts, the filing follows for the manifest and the case page.

Nothing half-done: the item is checked against the case (closed, platform, location,
consent: the rules the case workflow applies, ``domain.rules.validation``) before a
byte of the file is read, and a file refused (too large, a type not taken, corrupt,
the intimate question unanswered) qualifies no item. Should the case still refuse the
item after the file was taken (it moved on in between), :class:`ItemRefusedFileKept`
says so: the file is in the evidence, the item is not.

Retries: the form's key names both the evidence id and the update id, so a double
submit takes one file and qualifies one item. An intimate image: its hashes only,
listed in the notice, never sent.
"""

from collections.abc import AsyncIterable
from datetime import datetime

from pydantic import BaseModel, Field

from application.acting import COUNSELLORS, Permit, service
from application.case_actions import qualify
from application.errors import NotFound, Problem, RequestRejected
from application.evidence import intimate_unanswered, take_in_as
from application.helpline import Helpline
from application.requests.case_actions import ItemsCreate
from domain.case import CaseStatus
from domain.evidence import EvidenceChannel, EvidenceRecord, HashesOnly
from domain.intake import Consents
from domain.items import EvidenceHash
from domain.rules.validation import item_problems

FIELD_INTIMATE = ("body", "intimate")


class ItemFile(BaseModel):
    evidence_id: str
    sha256: str
    intimate: bool = Field(description="Only its hashes were kept; the notice lists its hash")
    filed: bool = Field(description="Filed under the item's notice id")


class ItemWithFile(BaseModel):
    case_id: str
    notice_ids: list[str]
    file: ItemFile | None = None


class ItemRefusedFileKept(RequestRejected):
    """The file was taken into the evidence, the case then refused the item."""

    def __init__(self, problems: list[Problem], file: ItemFile) -> None:
        super().__init__(problems)
        self.file = file


async def _check_item(helpline: Helpline, case_id: str, body: ItemsCreate) -> None:
    """The case's own rules for the item, before the file is read (the workflow applies
    them again: this only keeps a refusal from leaving a file behind)."""
    if not await helpline.commands.exists(case_id):
        raise NotFound(f"no case {case_id}")
    view = await helpline.commands.view(case_id)
    if view.status is CaseStatus.CLOSED:
        found = [Problem(loc=("case_id",), msg="case_id: the case is closed", code="case_closed")]
        raise RequestRejected(found)
    # A view without its consents (a reader who may not see them): the workflow says.
    consents = view.consents or Consents(report_to_platforms=True)
    problems = [
        Problem(loc=tuple(p.loc), msg=p.msg, type=p.code, code=p.code)
        for p in item_problems(body.items, helpline.catalog, consents)
    ]
    if problems:
        raise RequestRejected(problems)


def _naming(body: ItemsCreate, record: EvidenceRecord | HashesOnly) -> ItemsCreate:
    """The item naming the file by its SHA-256 (once, whatever was typed)."""
    item = body.items[0]
    digest = record.hashes.sha256
    given = [e for e in item.evidence if e.digest.lower() != digest]
    named = EvidenceHash(digest=digest, media_type=record.hashes.kind.media_type)
    evidence = [*given[: 20 - 1], named]
    return ItemsCreate(items=[item.model_copy(update={"evidence": evidence})])


@service(*COUNSELLORS, on_case=True)
async def add_item_with_file(
    helpline: Helpline,
    permit: Permit,
    body: ItemsCreate,
    stream: AsyncIterable[bytes] | None,
    *,
    intimate: bool | None,
    at: datetime,
    key: str | None = None,
) -> ItemWithFile:
    """Qualify one item (a notice to its platform) with the file that shows it, or
    without one (``stream`` None). :class:`~domain.evidence.EvidenceRefused`: the
    file was not taken, and no item was qualified."""
    case_id = permit.case
    if stream is None:
        accepted = await qualify(helpline, permit, body, key)
        return ItemWithFile(case_id=case_id, notice_ids=accepted.notice_ids)
    if len(body.items) != 1:
        raise RequestRejected(
            [Problem(loc=("items",), msg="items: one item with its file", code="too_many")]
        )
    if intimate is None:
        raise intimate_unanswered(FIELD_INTIMATE)
    await _check_item(helpline, case_id, body)
    record = await take_in_as(
        helpline,
        permit,
        case_id,
        stream,
        key,
        intimate=intimate,
        channel=EvidenceChannel.CONSOLE,
        at=at,
    )
    file = ItemFile(
        evidence_id=record.evidence_id,
        sha256=record.hashes.sha256,
        intimate=intimate,
        filed=False,
    )
    try:
        accepted = await qualify(
            helpline, permit, _naming(body, record), key, f" evidence={record.evidence_id}"
        )
    except RequestRejected as refused:
        raise ItemRefusedFileKept(refused.problems, file) from refused
    [notice_id] = accepted.notice_ids
    filed = await helpline.evidence.book.link_item(record.evidence_id, case_id, notice_id)
    return ItemWithFile(
        case_id=case_id,
        notice_ids=accepted.notice_ids,
        file=file.model_copy(update={"filed": filed}),
    )


__all__ = ["ItemFile", "ItemRefusedFileKept", "ItemWithFile", "add_item_with_file"]
