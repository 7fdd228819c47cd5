"""The report file, a PDF "dossier de signalement" a counsellor downloads to hand to
the police or keep with a complaint: the case's qualified items (the notices, each
with its Code pénal article), what each platform answered, the evidence manifest
(hashes, when, who, door) and the sanitised screenshots (the copies that may leave the
helpline: EXIF, GPS and document info removed). No contact details, unless the
counsellor includes them for the police (``with_contact``: first name, phone, e-mail,
how to call back; never handles or notes; a read of personal data audited as such).

One service: who may (the counsellors who may act on the case, supervisors), one
audit line (``evidence.read``, detail ``dossier``), the bytes rendered in memory
(fpdf2, core fonts, Latin-1) and never written to disk."""

import io
from datetime import datetime

from fpdf import FPDF

from application.acting import CASE_WORKERS, Permit, service
from application.errors import Gone, NotFound
from application.evidence import EvidenceLine, evidence_manifest_lines
from application.helpline import Helpline
from domain import contract
from domain.audit_actions import AuditAction
from domain.evidence import EvidenceKind
from domain.records import NoticeRecord
from domain.rules.legal import OFFENCES
from relais.crypto.key_store import KeyDestroyed
from relais.db.repositories.ledgers import NoticeLedger
from relais.db.repositories.retention import RetentionBook
from relais.evidence.vault import EvidenceNotKept

PRINTABLE = frozenset({EvidenceKind.PNG, EvidenceKind.JPEG})
DECISIONS_FR = {
    "removed": "retiré",
    "restricted": "restreint",
    "refused": "refusé",
    "no_answer": "pas de réponse",
}


def _text(value: str) -> str:
    return value.encode("latin-1", "replace").decode("latin-1")


def _when(at: datetime | None) -> str:
    return at.strftime("%d/%m/%Y %H:%M UTC") if at else "-"


class _Dossier(FPDF):
    def __init__(self, case_id: str, at: datetime, with_contact: bool) -> None:
        self.with_contact = with_contact
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(auto=True, margin=14)
        self.set_title(_text(f"Dossier de signalement {case_id}"))
        self.set_creator("Relais")
        self.add_page()
        self.set_font("helvetica", "B", 15)
        self.cell(
            0,
            9,
            _text(f"Dossier de signalement - dossier {case_id}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_font("helvetica", "", 9)
        self.cell(0, 6, _text(f"Établi le {_when(at)}"), new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("helvetica", "", 7)
        who = "avec" if self.with_contact else "sans"
        self.cell(0, 5, _text(f"Confidentiel - {who} coordonnées de la personne"), align="L")
        self.cell(0, 5, f"Page {self.page_no()}", align="R")

    def heading(self, title: str) -> None:
        self.ln(3)
        self.set_font("helvetica", "B", 12)
        self.cell(0, 7, _text(title), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", "", 9)

    def line_of(self, text: str) -> None:
        self.multi_cell(0, 5, _text(text), new_x="LMARGIN", new_y="NEXT")


def _notice(pdf: _Dossier, notice: NoticeRecord) -> None:
    offence = OFFENCES.get(notice.legal_qualification) if notice.legal_qualification else None
    legal = f"article {offence.article} du Code pénal ({offence.label_fr})" if offence else "-"
    decision = (
        DECISIONS_FR.get(notice.decision.value, notice.decision.value)
        if notice.decision
        else "en attente"
    )
    pdf.line_of(f"{notice.notice_id} - {notice.platform} - {legal}")
    pdf.line_of(
        f"    envoyé {_when(notice.submitted_at)} ; réponse : {decision}"
        f" ({_when(notice.decided_at)}) ; référence {notice.platform_reference or '-'}"
        + (f" ; recours sur {notice.appeal_of}" if notice.appeal_of else "")
    )


def _evidence(pdf: _Dossier, line: EvidenceLine) -> None:
    kept = "conservé" if line.kept else ("empreintes seules" if line.intimate else "purgé")
    pdf.line_of(
        f"{line.evidence_id} - {line.kind.value}, {line.size} octets - {kept} - "
        f"ajouté {_when(line.added_at)} par {line.added_by} ({line.channel.value})"
    )
    pdf.set_font("courier", "", 8)
    pdf.line_of(f"    SHA-256 {line.sha256}")
    pdf.set_font("helvetica", "", 9)


async def _screenshot(helpline: Helpline, pdf: _Dossier, line: EvidenceLine) -> None:
    try:
        image = await helpline.evidence.vault.read_all(line.evidence_id, export=True)
    except (EvidenceNotKept, KeyDestroyed):
        return
    if pdf.will_page_break(90):
        pdf.add_page()
    pdf.line_of(f"{line.evidence_id} (copie nettoyée, SHA-256 de l'original {line.sha256[:16]}...)")
    pdf.image(io.BytesIO(image), h=80, keep_aspect_ratio=True, w=180)
    pdf.ln(2)


async def _contact(helpline: Helpline, permit: Permit, pdf: _Dossier) -> None:
    case_id = permit.case
    assert case_id is not None
    if await RetentionBook(helpline.database).purged_at(case_id):
        raise Gone(f"the personal data of case {case_id} was purged")
    card = await helpline.commands.query(case_id, contract.CASE_CONTACT)
    await helpline.audit(permit).record(
        AuditAction.CASE_CONTACT_READ, case_id, "personal data read: dossier for the police"
    )
    pdf.heading("Coordonnées (pour la police)")
    for label, value in (
        ("Prénom", card.first_name),
        ("Téléphone", card.phone),
        ("Courriel", card.email),
        ("Rappel", card.callback_instructions),
    ):
        if value:
            pdf.line_of(f"{label} : {value}")


@service(*CASE_WORKERS, on_case=True)
async def evidence_dossier(
    helpline: Helpline, permit: Permit, *, at: datetime, with_contact: bool = False
) -> bytes:
    """The PDF, in memory. Audited once (``evidence.read``, ``dossier``), and the
    contact read once more when included (``case.contact_read``)."""
    case_id = permit.case
    assert case_id is not None
    if not await helpline.commands.exists(case_id):
        raise NotFound(f"no case {case_id}")
    await helpline.audit(permit).record(AuditAction.EVIDENCE_READ, case_id, "dossier")
    notices = await NoticeLedger(helpline.database).list_for_case(case_id)
    lines = await evidence_manifest_lines(helpline, case_id)
    pdf = _Dossier(case_id, at, with_contact)
    if with_contact:
        await _contact(helpline, permit, pdf)
    pdf.heading("Contenus signalés et réponses des plateformes")
    for notice in notices:
        _notice(pdf, notice)
    if not notices:
        pdf.line_of("Aucun contenu signalé.")
    pdf.heading("Pièces (manifeste)")
    for line in lines:
        _evidence(pdf, line)
    if not lines:
        pdf.line_of("Aucune pièce.")
    printable = [line for line in lines if line.kept and line.kind.is_image]
    if printable:
        pdf.heading("Captures d'écran (copies nettoyées)")
        for line in printable:
            await _screenshot(helpline, pdf, line)
    return bytes(pdf.output())


__all__ = ["evidence_dossier"]
