"""Harmful items a counsellor qualifies, and the update that adds them."""

from enum import StrEnum

from pydantic import BaseModel, Field

from domain.catalog import PartnerCatalog
from domain.personal import ItemLocation


class ContentType(StrEnum):
    POST = "post"
    IMAGE = "image"
    VIDEO = "video"
    ACCOUNT = "account"
    MESSAGE = "message"
    COMMENT = "comment"
    LIVE_STREAM = "live_stream"


class LegalQualification(StrEnum):
    """Offences of the French Code penal a harmful item is qualified under."""

    CYBERHARASSMENT = "cyberharassment"
    INTIMATE_IMAGE_WITHOUT_CONSENT = "intimate_image_without_consent"
    BLACKMAIL = "blackmail"
    IDENTITY_THEFT = "identity_theft"
    HACKING = "hacking"
    CHILD_SEXUAL_ABUSE_MATERIAL = "child_sexual_abuse_material"
    SEXUAL_SOLICITATION_OF_MINOR = "sexual_solicitation_of_minor"
    PROSTITUTION_OF_MINOR = "prostitution_of_minor"
    PORNOGRAPHY_SEEN_BY_MINORS = "pornography_seen_by_minors"
    INCITEMENT_TO_SUICIDE = "incitement_to_suicide"


class EvidenceHash(BaseModel):
    """Evidence is kept as a hash and metadata, never as the image itself."""

    algorithm: str = Field(default="sha256", pattern=r"^(sha256|sha1|md5|pdq)$")
    digest: str = Field(pattern=r"^[0-9a-fA-F]{16,128}$")
    media_type: str | None = Field(default=None, max_length=100)
    captured_at: str | None = Field(default=None, max_length=40)


class QualifiedItem(BaseModel):
    platform: str = Field(min_length=1, max_length=64)
    content_type: ContentType
    legal_qualification: LegalQualification
    location: ItemLocation
    evidence: list[EvidenceHash] = Field(default_factory=list, max_length=20)


class AddItemsRequest(BaseModel):
    items: list[QualifiedItem] = Field(min_length=1, max_length=200)
    actor: str = Field(description="Who does it: the counsellor, supervisor or system")
    catalog: PartnerCatalog | None = Field(
        default=None, description="Fresh registry snapshot, so newly added platforms are known"
    )


class AddItemsResult(BaseModel):
    notice_ids: list[str]
