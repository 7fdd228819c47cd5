"""Everything an integrator imports to write a platform or partner adapter.

    from partners.plugin import AdapterSpec, AdapterConfig, NoticeChannel, ...

One public module, so a plugin never reaches into Relais' internals and this list is
the contract Relais keeps stable: the base class per capability, the configuration
base, the spec that registers an adapter, the request and answer types a channel
takes and returns, the errors it raises, and the DSA notice body builder. The guide
(docs/adding-a-partner.md) and the example plugin (examples/relais-partner-example)
use it and nothing else.
"""

from domain.catalog import AdapterInfo, DeliveryMode, PartnerKind, RetryProfile
from domain.notice import Decision, NoticeDecision, NoticeReceipt, SubmitNoticeRequest
from domain.personal import ItemLocation
from domain.referral import HandoffReceipt, HandoffRequest, HandoffStatus, ReferralStatus
from partners.base import AdapterConfig, HandoffChannel, NoticeChannel
from partners.errors import (
    PermanentAdapterError,
    SandboxUnavailable,
    TransientAdapterError,
    scrub,
)
from partners.notice_content import notice_body
from partners.spec import AdapterSpec

__all__ = [
    "AdapterConfig",
    "AdapterInfo",
    "AdapterSpec",
    "Decision",
    "DeliveryMode",
    "HandoffChannel",
    "HandoffReceipt",
    "HandoffRequest",
    "HandoffStatus",
    "ItemLocation",
    "NoticeChannel",
    "NoticeDecision",
    "NoticeReceipt",
    "PartnerKind",
    "PermanentAdapterError",
    "ReferralStatus",
    "RetryProfile",
    "SandboxUnavailable",
    "SubmitNoticeRequest",
    "TransientAdapterError",
    "notice_body",
    "scrub",
]
