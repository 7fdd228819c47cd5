"""The dossier de signalement: a counsellor who may act on the case downloads the PDF
(never cached, audited); read back with pypdf, it names the notices with their Code
pénal articles and the platform's answer, lists every file's SHA-256 and carries the
sanitised screenshot; it holds no contact detail; a colleague kept out gets 403/404."""

import hashlib
import io
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import text
from temporalio.testing import WorkflowEnvironment

from application.evidence_dossier import DECISIONS_FR
from relais.db.repositories.ledgers import NoticeLedger
from tests.evidence.files import jpeg_with_gps, pdf_with_author, picture
from tests.evidence.support import add_evidence
from tests.referrals.support import open_case
from tests.support.cases import add_items
from tests.support.client import TOKENS, auth
from tests.support.console import console_user
from tests.support.stack import running_stack
from tests.support.waiting import eventually


async def test_the_dossier_names_the_items_the_answers_and_the_hashes(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        case_id = await open_case(stack)
        await add_items(stack, case_id, 1)
        files = [jpeg_with_gps(picture(seed=61), marker="Phone-Camille"), pdf_with_author("Lea")]
        for data in files:
            await add_evidence(stack, case_id, data, name="x")

        [notice] = await eventually(
            lambda: NoticeLedger(stack.database).list_for_case(case_id),
            lambda found: bool(found) and found[0].decision is not None,
            what="the platform's decision, recorded",
        )
        url = f"/cases/{case_id}/evidence/dossier.pdf"
        got = await stack.api.get(url, headers=auth("counsellor"))
        assert got.status_code == 200, got.text
        assert got.headers["cache-control"] == "no-store"
        assert got.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(got.content))
        words = " ".join(page.extract_text() for page in reader.pages)
        flat = "".join(words.split())
        assert "222-33-2-2" in words and "tiktok" in words
        assert notice.decision is not None
        assert DECISIONS_FR[notice.decision.value] in words
        for data in files:
            assert hashlib.sha256(data).hexdigest() in flat
        assert sum(len(page.images) for page in reader.pages) >= 1
        assert "+33600000000" not in flat and "Lea" not in words
        assert b"Phone-Camille" not in got.content

        for_police = await stack.api.get(
            url, params={"with_contact": "true"}, headers=auth("counsellor")
        )
        assert for_police.status_code == 200, for_police.text
        police_words = " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(for_police.content)).pages
        )
        assert "+33600000000" in "".join(police_words.split())
        assert "@lea_private" not in police_words and "counsellor notes" not in police_words

        # The console: a link on the case page, the same file, never cached.
        user = console_user(str(stack.api.base_url))
        await user.sign_in(TOKENS["counsellor"])
        page = await user.page(f"/cases/{case_id}")
        assert f'href="/console/cases/{case_id}/dossier.pdf"' in page.text
        from_console = await user.page(f"/cases/{case_id}/dossier.pdf")
        assert from_console.status_code == 200
        assert from_console.headers["cache-control"] == "no-store"
        console_words = " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(from_console.content)).pages
        )
        assert "222-33-2-2" in console_words and "+33600000000" not in console_words
        await user.http.aclose()

        outsider = await stack.api.get(url, headers=auth("colleague"))
        assert outsider.status_code in (403, 404)
        async with stack.database.engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT detail FROM audit_log WHERE case_id = :c AND action = 'evidence.read'"
                ),
                {"c": case_id},
            )
            details = [row[0] for row in rows]
            assert details.count("dossier") == 3
            read = await conn.execute(
                text("SELECT count(*) FROM audit_log WHERE case_id = :c AND detail LIKE :d"),
                {"c": case_id, "d": "%dossier for the police%"},
            )
            assert read.scalar() == 1
