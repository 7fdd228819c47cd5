"""On the conversations screen, a file the young person sent on WhatsApp or Messenger:
"Add to the case's evidence", once the counsellor says whether it is an intimate image
(they may ask the young person in plain words first). A thin door onto
``application.conversations.channel_media``, which fetches it from Meta only then;
a refusal is said beside the line's form, in the counsellor's language."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from application.conversations import channel_media
from application.conversations.files import NO_CASE_YET
from application.errors import DomainError, Gone, NotFound, RequestRejected
from console.forms import FieldErrors, first, refused
from console.i18n import N_
from console.refusal_words import REFUSALS
from console.routes.conversations import OVER, ConversationId, screen
from console.routes.evidence_page import REFUSED_FILE
from console.web import Posted, SignedIn
from console.web_rules import permit
from domain.evidence import EvidenceRefused
from relais.clock import utc_now

router = APIRouter(prefix="/console/conversations")

Seq = Annotated[int, Path(ge=1, le=1_000_000)]
UNANSWERED = N_("Say whether it is an intimate image.")
REJECTED = {
    NO_CASE_YET: N_(
        "Link the conversation to a case first (open one, or attach it to one): then its "
        "files can go into the case's evidence."
    ),
    channel_media.NOT_A_MEDIA: N_("This line is not a file the young person sent."),
    "idempotency_key_reused": N_("This message's place in the evidence holds another file."),
    "not_with_you": OVER,
}
MEDIA_GONE = N_(
    "WhatsApp or Messenger no longer has this file: ask the young person to send it again, "
    "or send them an upload link from the case."
)
REFUSED = N_("This file cannot be added to the evidence.")
NOT_NOW = N_("The file could not be fetched just now: try again in a moment.")


@router.post("/{cid}/lines/{seq}/evidence")
async def add_to_evidence(p: SignedIn, cid: ConversationId, seq: Seq, form: Posted) -> Response:
    allowed = await permit(p, channel_media.add_media_to_evidence)
    answer = first(form, "intimate")
    errors, status = FieldErrors(), 422
    if answer not in ("yes", "no"):
        errors.by_field["intimate"] = [UNANSWERED]
    else:
        try:
            await channel_media.add_media_to_evidence(
                p.helpline, allowed, cid, seq, intimate=answer == "yes", at=utc_now()
            )
        except EvidenceRefused as err:
            limits = p.settings.evidence_policy.limits_in_mb()
            errors.general.append(p.gettext(REFUSED_FILE[err.reason]) % limits)
            status = err.reason.status
        except RequestRejected as rejection:
            codes = [problem.code for problem in rejection.problems]
            errors.general += [REJECTED.get(code or "", REFUSED) for code in codes]
        except channel_media.MediaGone:
            errors.general.append(MEDIA_GONE)
            status = 410
        except Gone:
            errors.general.append(REFUSALS["gone"])
            status = 410
        except NotFound:
            errors.general.append(REFUSALS["not_found"])
            status = 404
        except DomainError:
            errors.general.append(NOT_NOW)
            status = 503
        else:
            done = "media_hashes" if answer == "yes" else "media_added"
            return p.redirect("/conversations", c=cid, done=done)
    return await screen(p, cid, refused(f"media-{seq}", form, errors), status)
