"""Configuration of the generic HTTP-JSON channel (``channel = "http_json"``).

The partner's endpoints are declared relative to ``base_url``; the request body is a
mapping from the partner's field names to dotted paths in our documents (see
:mod:`partners.mapping`), and answers are read back through dotted paths
in the partner's JSON. The auth header value is a secret, normally ``${VAR}``.
"""

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from domain.notice import Decision
from domain.referral import ReferralStatus
from partners.base import AdapterConfig
from partners.errors import SandboxUnavailable
from partners.mapping import Constant, FieldSource, HandoffDocument, NoticeDocument, path_problem
from partners.notice_files import DeclaredAttachments
from partners.url_probe import AllowedNetworks

PENDING = "pending"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HttpAuth(_Strict):
    header: str = Field(default="Authorization", min_length=1)
    value: SecretStr = Field(description='e.g. "Bearer ${PARTNER_TOKEN}"')


class Endpoint(_Strict):
    method: Literal["GET", "POST", "PUT", "PATCH"]
    path: str = Field(min_length=1, description="Appended to base_url; may hold {reference}")


class SubmitEndpoint(Endpoint):
    method: Literal["GET", "POST", "PUT", "PATCH"] = "POST"
    body: dict[str, FieldSource] | None = Field(
        default=None, description="Partner field -> our dotted path; default: our own body"
    )
    idempotency_header: str | None = "Idempotency-Key"
    reference: str = Field(default="reference", description="Path of their reference")
    received_at: str | None = Field(
        default=None, description="Path of the receipt time they state (DSA Art. 16(4))"
    )


class DecisionEndpoint(Endpoint):
    method: Literal["GET", "POST", "PUT", "PATCH"] = "GET"
    decision: str = "status"
    reason: str | None = "reason"
    decided_at: str | None = "decided_at"
    decision_reference: str | None = Field(
        default=None, description="Path of their decision's own id (statement-of-reasons PUID)"
    )
    values: dict[str, Decision | Literal["pending"]] = Field(
        default_factory=dict, description="Their value -> ours; ours pass as they are"
    )


class StatusEndpoint(Endpoint):
    method: Literal["GET", "POST", "PUT", "PATCH"] = "GET"
    status: str = "status"
    detail: str | None = "detail"
    values: dict[str, ReferralStatus] = Field(default_factory=dict)


class ContentEndpoint(Endpoint):
    method: Literal["GET", "POST", "PUT", "PATCH"] = "GET"
    query: dict[str, FieldSource] = Field(
        default_factory=lambda: dict[str, FieldSource](url="item.location.url"),
        description="Query parameters -> our dotted paths",
    )
    online: str = "online"


class HttpJsonConfig(AdapterConfig):
    base_url: str = Field(min_length=1)
    sandbox_url: str | None = None
    auth: HttpAuth | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    submit: SubmitEndpoint

    def sandbox(self) -> Self:
        if self.sandbox_url is None:
            raise SandboxUnavailable("no sandbox_url is configured")
        return self.model_copy(update={"base_url": self.sandbox_url})


def _mapping_problems(
    document: type[NoticeDocument | HandoffDocument], mapping: dict[str, FieldSource], at: str
) -> list[str]:
    return [
        f"{at}.{target}: {problem}"
        for target, source in mapping.items()
        if not isinstance(source, Constant)
        and (problem := path_problem(document, source)) is not None
    ]


class HttpJsonNoticeConfig(HttpJsonConfig):
    """A platform: submit a notice, read its decision, check the content."""

    decision: DecisionEndpoint | None = Field(
        default=None, description="Required when decisions must be polled"
    )
    content: ContentEndpoint | None = Field(
        default=None, description="Default: Relais checks the item's URL itself"
    )
    probe_allowed_networks: AllowedNetworks
    attachments: DeclaredAttachments = Field(
        default=None,
        description="The files the platform takes beside a notice (limits, and multipart "
        "or base64 in the JSON body); none: the evidence hashes only",
    )

    @model_validator(mode="after")
    def _paths_exist(self) -> Self:
        problems = _mapping_problems(NoticeDocument, self.submit.body or {}, "submit.body")
        if self.content is not None:
            problems += _mapping_problems(NoticeDocument, self.content.query, "content.query")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class HttpJsonHandoffConfig(HttpJsonConfig):
    """A partner: hand a referral over, read its status."""

    status: StatusEndpoint | None = Field(
        default=None, description="Required when statuses must be polled"
    )

    @model_validator(mode="after")
    def _paths_exist(self) -> Self:
        problems = _mapping_problems(HandoffDocument, self.submit.body or {}, "submit.body")
        if problems:
            raise ValueError("; ".join(problems))
        return self
