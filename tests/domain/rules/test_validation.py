"""What the add-items and referral validators reject, and how they say it."""

import pytest

from domain.catalog import AdapterInfo, PartnerCatalog, PartnerKind
from domain.intake import Consents
from domain.items import ContentType, LegalQualification, QualifiedItem
from domain.personal import ItemLocation
from domain.referral import LegalBasis
from domain.rules.referral_rules import referral_basis_problems
from domain.rules.validation import check_url, item_problems

CATALOG = PartnerCatalog(
    platforms={
        "tiktok": AdapterInfo(slug="tiktok", display_name="TikTok", kind=PartnerKind.PLATFORM)
    },
    partners={
        "pharos": AdapterInfo(slug="pharos", display_name="Pharos", kind=PartnerKind.AUTHORITY)
    },
)
CONSENTED = Consents(report_to_platforms=True, referral_partners=["pharos"])


def item(platform: str = "tiktok", **location: str) -> QualifiedItem:
    return QualifiedItem(
        platform=platform,
        content_type=ContentType.VIDEO,
        legal_qualification=LegalQualification.CYBERHARASSMENT,
        location=ItemLocation(**(location or {"url": "https://www.tiktok.com/@a/video/1"})),
    )


def test_a_complete_item_passes() -> None:
    assert item_problems([item()], CATALOG, CONSENTED) == []


def test_unknown_platform_is_named_with_the_known_ones() -> None:
    [problem] = item_problems([item("myspace")], CATALOG, CONSENTED)
    assert (problem.loc, problem.code) == (["items", 0, "platform"], "unknown_platform")
    assert problem.msg.startswith("items[0].platform: unknown platform 'myspace'")
    assert "tiktok" in problem.msg


@pytest.mark.parametrize(
    "url", ["tiktok.com/@a", "ftp://www.tiktok.com/x", "https://no-dot-host/x", "https://a b.com"]
)
def test_malformed_url_is_rejected_naming_the_field(url: str) -> None:
    [problem] = item_problems([item(url=url)], CATALOG, CONSENTED)
    assert (problem.loc, problem.code) == (["items", 0, "location", "url"], "url_invalid")
    assert problem.msg.startswith("items[0].location.url ")


def test_location_is_required() -> None:
    [problem] = item_problems([item(account="", url="")], CATALOG, CONSENTED)
    assert (problem.loc, problem.code) == (["items", 0, "location"], "location_missing")
    assert problem.msg.startswith("items[0].location")


def test_missing_consent_to_report_is_rejected() -> None:
    [problem] = item_problems([item()], CATALOG, Consents(report_to_platforms=False))
    assert problem.loc == ["consents", "report_to_platforms"]
    assert problem.msg == (
        "consents.report_to_platforms: the victim has not consented to reporting to platforms"
    )


def test_every_problem_of_every_item_is_reported() -> None:
    problems = item_problems([item(), item("myspace"), item(url="nope")], CATALOG, CONSENTED)
    assert [p.loc for p in problems] == [["items", 1, "platform"], ["items", 2, "location", "url"]]


def test_check_url_accepts_a_real_url() -> None:
    assert check_url("https://www.instagram.com/p/Cabc123/?igsh=xyz") is None


def referral_problems(partner: str, catalog: PartnerCatalog, consents: Consents) -> list[str]:
    return [p.msg for p in referral_basis_problems(partner, LegalBasis.CONSENT, catalog, consents)]


def test_referral_needs_a_known_partner_and_consent() -> None:
    assert referral_problems("pharos", CATALOG, CONSENTED) == []
    assert referral_problems("nobody", CATALOG, CONSENTED)[0].startswith("partner: unknown partner")
    assert "not consented" in referral_problems("pharos", CATALOG, Consents())[0]
