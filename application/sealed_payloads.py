"""The Temporal UI's codec (``/codec/decode``, ``/codec/encode``): what a person may
see of the sealed payloads of workflow histories. Supervisors see every case decoded,
counsellors the cases they may read; everyone else gets placeholders. Every decode is
audited per case, with counts only."""

from collections.abc import Sequence

from temporalio.api.common.v1 import Payload

from application.acting import EVERY_ROLE, SUPERVISORS, Permit, service
from application.case_access import CaseAccessPolicy
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from relais.converter import key_store_of
from relais.crypto.codec_server import decode_for_reader, encode_outside_cases
from relais.crypto.key_store import GLOBAL_SCOPE
from relais.settings import Role


@service(*EVERY_ROLE)
async def open_payloads(
    helpline: Helpline, permit: Permit, payloads: Sequence[Payload]
) -> list[Payload]:
    """Open the payloads the person may read; placeholders for the rest."""
    actor = permit.actor
    policy = CaseAccessPolicy(helpline.access)

    async def may_read(case_id: str) -> bool:
        if case_id == GLOBAL_SCOPE:  # payloads outside any case: supervisors only
            return actor.role is Role.SUPERVISOR
        return await policy.may_read(actor.subject, actor.role, case_id)

    store = key_store_of(helpline.client.data_converter)
    opened, report = await decode_for_reader(payloads, store, may_read)
    audit = helpline.audit(permit)
    for case_id in report.cases:
        case = None if case_id == GLOBAL_SCOPE else case_id
        await audit.record(AuditAction.CODEC_DECODE, case, report.detail(case_id))
    return list(opened)


@service(*SUPERVISORS)
async def seal_payloads(
    helpline: Helpline, permit: Permit, payloads: Sequence[Payload]
) -> list[Payload]:
    """Seal what a supervisor types in the UI (outside any case)."""
    sealed = await encode_outside_cases(payloads, key_store_of(helpline.client.data_converter))
    await helpline.audit(permit).record(AuditAction.CODEC_ENCODE, detail=f"payloads={len(sealed)}")
    return list(sealed)
