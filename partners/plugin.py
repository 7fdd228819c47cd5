"""Everything an integrator imports to write a platform, partner or messaging channel
adapter.

    from partners.plugin import AdapterSpec, AdapterConfig, NoticeChannel, ...

One public module, so a plugin never reaches into Relais' internals and this list is
the contract Relais keeps stable: the base class per capability, the configuration
base, the spec that registers an adapter, the request and answer types a channel
takes and returns, the errors it raises, and the DSA notice body builder. The guides
(docs/adding-a-partner.md, docs/channels.md) and the example plugin
(examples/relais-partner-example) use it and nothing else.
"""

from domain.catalog import AdapterInfo, DeliveryMode, PartnerKind, RetryProfile
from domain.channel_messages import (
    ChannelDeliveryState,
    ChannelEvent,
    ChannelFailure,
    ChannelFailureKind,
    ChannelFeatures,
    ChannelMediaKind,
    ChannelReceipt,
    ChannelStatusUpdate,
    ChoiceContent,
    ChoiceMessage,
    InboundBatch,
    InboundChannelMessage,
    MediaContent,
    MediaMessage,
    MediaReference,
    OutboundChannelMessage,
    ReplyChoice,
    TemplateMessage,
    TextContent,
    TextMessage,
    UnsupportedContent,
    UnsupportedKind,
)
from domain.notice import (
    AttachmentLimits,
    Decision,
    NoticeDecision,
    NoticeReceipt,
    SubmitNoticeRequest,
)
from domain.personal import ItemLocation
from domain.referral import HandoffReceipt, HandoffRequest, HandoffStatus, ReferralStatus
from partners.base import AdapterConfig, ConversationChannel, HandoffChannel, NoticeChannel
from partners.channel_errors import (
    MediaGoneError,
    MediaTooLargeError,
    OutcomeUnknownError,
    OutsideWindowError,
    RateLimitedError,
    WebhookMalformed,
    WebhookRefused,
    WebhookSignatureInvalid,
    WebhookTokenMismatch,
    WebhookTooLarge,
    WebhookUnknownRecipient,
)
from partners.channel_media import MediaStream
from partners.channel_webhooks import (
    answer_hub_handshake,
    check_hmac_sha256,
    webhook_header,
    webhook_json,
)
from partners.errors import (
    PermanentAdapterError,
    SandboxUnavailable,
    TransientAdapterError,
    scrub,
)
from partners.notice_content import notice_body
from partners.notice_files import (
    AttachmentChannel,
    AttachmentEncoding,
    NoticeFile,
    json_attachments,
    multipart_parts,
)
from partners.spec import AdapterSpec

__all__ = [
    "AdapterConfig",
    "AdapterInfo",
    "AdapterSpec",
    "AttachmentChannel",
    "AttachmentEncoding",
    "AttachmentLimits",
    "ChannelDeliveryState",
    "ChannelEvent",
    "ChannelFailure",
    "ChannelFailureKind",
    "ChannelFeatures",
    "ChannelMediaKind",
    "ChannelReceipt",
    "ChannelStatusUpdate",
    "ChoiceContent",
    "ChoiceMessage",
    "ConversationChannel",
    "Decision",
    "DeliveryMode",
    "HandoffChannel",
    "HandoffReceipt",
    "HandoffRequest",
    "HandoffStatus",
    "InboundBatch",
    "InboundChannelMessage",
    "ItemLocation",
    "MediaContent",
    "MediaGoneError",
    "MediaMessage",
    "MediaReference",
    "MediaStream",
    "MediaTooLargeError",
    "NoticeChannel",
    "NoticeDecision",
    "NoticeFile",
    "NoticeReceipt",
    "OutboundChannelMessage",
    "OutcomeUnknownError",
    "OutsideWindowError",
    "PartnerKind",
    "PermanentAdapterError",
    "RateLimitedError",
    "ReferralStatus",
    "ReplyChoice",
    "RetryProfile",
    "SandboxUnavailable",
    "SubmitNoticeRequest",
    "TemplateMessage",
    "TextContent",
    "TextMessage",
    "TransientAdapterError",
    "UnsupportedContent",
    "UnsupportedKind",
    "WebhookMalformed",
    "WebhookRefused",
    "WebhookSignatureInvalid",
    "WebhookTokenMismatch",
    "WebhookTooLarge",
    "WebhookUnknownRecipient",
    "answer_hub_handshake",
    "check_hmac_sha256",
    "json_attachments",
    "multipart_parts",
    "notice_body",
    "scrub",
    "webhook_header",
    "webhook_json",
]
