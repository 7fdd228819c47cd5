"""Checks a counsellor's request against the case before the workflow accepts it.

Each function returns the problems found, each naming the offending field, so an
update validator can reject with a reason the counsellor can read.
"""

from urllib.parse import urlsplit

from domain.catalog import PartnerCatalog
from domain.intake import Consents
from domain.items import QualifiedItem
from domain.problems import Problem, problem
from domain.rules.dsa_notice import location_problem


def check_url(url: str) -> str | None:
    """Why ``url`` is not a usable content location, or None when it is."""
    if any(c.isspace() for c in url):
        return "must not contain spaces"
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError as exc:
        return f"is malformed ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    host = parts.hostname or ""
    if "." not in host and host != "localhost":
        return "must name a host (e.g. https://www.tiktok.com/...)"
    return None


def item_problems(
    items: list[QualifiedItem], catalog: PartnerCatalog, consents: Consents
) -> list[Problem]:
    problems: list[Problem] = []
    if not consents.report_to_platforms:
        problems.append(
            problem(
                "no_platform_consent",
                ("consents", "report_to_platforms"),
                "consents.report_to_platforms: the victim has not consented to reporting to "
                "platforms",
            )
        )
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if catalog.platform(item.platform) is None:
            known = ", ".join(sorted(catalog.platforms)) or "none registered"
            problems.append(
                problem(
                    "unknown_platform",
                    ("items", index, "platform"),
                    f"{where}.platform: unknown platform '{item.platform}' (known: {known})",
                )
            )
        location = item.location
        if missing := location_problem(location):
            problems.append(
                problem(
                    "location_missing", ("items", index, "location"), f"{where}.location: {missing}"
                )
            )
        if location.url and (reason := check_url(location.url)):
            problems.append(
                problem(
                    "url_invalid",
                    ("items", index, "location", "url"),
                    f"{where}.location.url {reason}",
                )
            )
    return problems
