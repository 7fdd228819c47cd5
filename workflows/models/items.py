"""Harmful items a counsellor qualifies, and the update that adds them."""

from pydantic import BaseModel, Field

from workflows.models.catalog import PartnerCatalog
from workflows.models.enums import ContentType, LegalQualification
from workflows.models.personal import ItemLocation


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
    requested_by: str
    catalog: PartnerCatalog | None = Field(
        default=None, description="Fresh registry snapshot, so newly added platforms are known"
    )


class AddItemsResult(BaseModel):
    notice_ids: list[str]
