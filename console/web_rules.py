"""Who may do what from the console: the rule of the service behind each page and form
(``application.acting``), the very one the JSON route asks. A role the service is not
for sees "Not for your role"; a case that is neither the counsellor's nor shared with
them raises :class:`CaseRefused` (the page says so)."""

from typing import Any

from application.acting import CaseRefused, Permit, RoleRefused, Service
from console.web import NotAllowed, Page

__all__ = ["CaseRefused", "permit"]


async def permit(p: Page, service: Service[..., Any], case_id: str | None = None) -> Permit:
    """The signed-in person's permit for ``service`` (on ``case_id``)."""
    try:
        return await service.permit(p.helpline, p.actor, case_id)
    except RoleRefused:
        raise NotAllowed from None
