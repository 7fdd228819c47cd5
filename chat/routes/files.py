"""A file sent from the chat page (``application.conversations.files``): a multipart
form (one question, then the file), from this site's page only, with the session's
conversation. Without the page's script it answers with the page (303 back to the chat,
or the page with the refusal beside the field); with it, the script sends the same form
and replaces the page, so Back never returns to a chat page."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application.conversations.commands import ConversationOver
from application.conversations.files import NO_CASE_YET, young_person_sends_a_file
from application.errors import Gone, RateLimited, RequestRejected, Unavailable
from chat.forms import SENTENCES, Refusal, general
from chat.routes.page import back_to_the_chat, draw
from chat.session import PATH
from chat.web import AnyPage, same_site_form
from domain.evidence import EvidenceRefused
from relais.multipart_file import fields_then_file

router = APIRouter(prefix=PATH)


@router.post("/files", include_in_schema=False)
async def send_file(request: Request, p: AnyPage) -> Response:
    same_site_form(request)
    who = p.young_person
    if who is None:
        return back_to_the_chat(p)
    fields, chunks = await fields_then_file(request)
    answer = fields.get("intimate")
    refusal, status = Refusal(), 422
    if answer not in ("yes", "no"):
        refusal.by_field["intimate"] = SENTENCES["intimate"][""]
    else:
        try:
            await young_person_sends_a_file(
                p.helpline, who, chunks, intimate=answer == "yes", now=p.at
            )
        except EvidenceRefused as err:
            policy = p.settings.evidence_policy
            words = p.gettext(SENTENCES["file"][err.reason.value]) % policy.limits_in_mb()
            refusal.by_field["file"], status = words, err.reason.status
        except RequestRejected as rejected:
            kinds = {problem.code for problem in rejected.problems}
            refusal.by_field["file"] = SENTENCES["file"][
                NO_CASE_YET if NO_CASE_YET in kinds else ""
            ]
            status = 409 if NO_CASE_YET in kinds else 422
        except RateLimited as limited:
            refusal, status = general("rate_limited"), 429
            response = await draw(p, refusal=refusal, form="files", status_code=status)
            response.headers["Retry-After"] = str(limited.retry_after_seconds)
            return response
        except (ConversationOver, Gone):
            return back_to_the_chat(p)
        except Unavailable:
            refusal, status = general("unavailable"), 503
        else:
            return back_to_the_chat(p)
    return await draw(p, refusal=refusal, form="files", status_code=status)
