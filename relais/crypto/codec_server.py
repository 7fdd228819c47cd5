"""What the UI's codec endpoint does: open sealed payloads for a caller who may read
their case, and put a readable placeholder in place of the others.

Placeholders are ``json/plain`` strings, so the Temporal UI shows them as text:
redacted (the caller may not read that case), purged (the case key was destroyed at
the end of retention), unreadable (a key this deployment does not know).
"""

import json
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from temporalio.api.common.v1 import Payload

from relais.crypto.codec import is_sealed, key_id_of, seal, unseal
from relais.crypto.key_store import GLOBAL_SCOPE, KeyDestroyed, KeyStore, UnknownKey

REDACTED = "[redacted: personal data your role may not read]"
PURGED = "[purged: this case's personal data was destroyed at the end of retention]"
UNREADABLE = "[unreadable: sealed with a key this deployment does not know]"

MayRead = Callable[[str], Awaitable[bool]]


def placeholder(text: str, kind: str) -> Payload:
    return Payload(
        metadata={"encoding": b"json/plain", "relais-placeholder": kind.encode()},
        data=json.dumps(text).encode(),
    )


@dataclass
class DecodeReport:
    """How many payloads of each case were shown, redacted, purged or unreadable:
    what the audit trail records (never the content)."""

    cases: dict[str, Counter[str]] = field(default_factory=dict)

    def count(self, case_id: str, outcome: str) -> None:
        self.cases.setdefault(case_id, Counter())[outcome] += 1

    def detail(self, case_id: str) -> str:
        counts = self.cases[case_id]
        return " ".join(f"{name}={counts[name]}" for name in sorted(counts))


async def decode_for_reader(
    payloads: Sequence[Payload], store: KeyStore, may_read: MayRead
) -> tuple[list[Payload], DecodeReport]:
    report = DecodeReport()
    allowed: dict[str, bool] = {}
    out: list[Payload] = []
    for payload in payloads:
        if not is_sealed(payload):
            out.append(payload)
            continue
        key_id = key_id_of(payload)
        try:
            case_id = await store.case_of_key(key_id)
        except UnknownKey:
            report.count(GLOBAL_SCOPE, "unreadable")
            out.append(placeholder(UNREADABLE, "unreadable"))
            continue
        if case_id not in allowed:
            allowed[case_id] = await may_read(case_id)
        if not allowed[case_id]:
            report.count(case_id, "redacted")
            out.append(placeholder(REDACTED, "redacted"))
            continue
        try:
            out.append(unseal(await store.key_by_id(key_id), payload))
            report.count(case_id, "shown")
        except KeyDestroyed:
            report.count(case_id, "purged")
            out.append(placeholder(PURGED, "purged"))
    return out, report


async def encode_outside_cases(payloads: Sequence[Payload], store: KeyStore) -> list[Payload]:
    """The UI encodes input it sends (a signal typed in the UI) without naming a
    workflow: such payloads are sealed with the global key."""
    key = await store.key_for_case(GLOBAL_SCOPE)
    return [p if is_sealed(p) else seal(key, p) for p in payloads]
