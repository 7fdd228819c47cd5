"""Which case a workflow belongs to, from its id (see ``domain.messages``):
``case-<case>``, ``notice-<case>-n<k>``, ``referral-<case>-r<k>``. Any other workflow
is outside every case and its payloads use the global key."""

import re

from relais.crypto.key_store import GLOBAL_SCOPE

_CASE = r"(?P<case>[A-Za-z0-9_-]{1,64}?)"
_PATTERNS = (
    re.compile(rf"^case-{_CASE}$"),
    re.compile(rf"^notice-{_CASE}-n\d+$"),
    re.compile(rf"^referral-{_CASE}-r\d+$"),
)


def case_of_workflow(workflow_id: str | None) -> str | None:
    if not workflow_id:
        return None
    for pattern in _PATTERNS:
        match = pattern.match(workflow_id)
        if match:
            return match["case"]
    return None


def scope_of_workflow(workflow_id: str | None) -> str:
    return case_of_workflow(workflow_id) or GLOBAL_SCOPE
