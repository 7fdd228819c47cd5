"""A re-notice reads the case's evidence again: a screenshot filed under the item after
the first notice went (the platform silent) goes with the next re-notice, 24 hours later
on a time-skipping server, through the whole stack (API, worker, simulator)."""

import io
import uuid
from datetime import timedelta
from pathlib import Path

from PIL import Image
from temporalio.testing import WorkflowEnvironment

from tests.evidence.files import jpeg_with_gps, picture
from tests.evidence.test_notice_attachments import GPS_IFD, file_received, sha256
from tests.support.cases import open_case
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually
from tests.takedown.helpers import notice_reaches, notify, received_notices


async def test_a_file_filed_under_the_item_later_goes_with_the_next_renotice(
    time_skipping_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(time_skipping_env.client, tmp_path) as stack:
        await stack.configure_target("tiktok", decision="none")  # silent
        case_id = await open_case(stack)
        notice_id = await notify(stack, case_id, "tiktok")
        await notice_reaches(stack, case_id, notice_id, "acknowledged")
        [first] = await received_notices(stack, "tiktok")
        assert first["attachments"] == []

        photo = jpeg_with_gps(picture(81), marker="Phone-Lea-81")
        added = await stack.api.post(
            f"/cases/{case_id}/evidence",
            params={"intimate": "false", "item": notice_id},
            files={"file": ("IMG_0081.jpg", photo, "application/octet-stream")},
            headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
        )
        assert added.status_code == 201, added.text
        child = stack.client.get_workflow_handle(f"notice-{notice_id}")
        await time_skipping_env.fast_forward(child, timedelta(hours=24, minutes=1))

        [_, renotice] = await eventually(
            lambda: received_notices(stack, "tiktok"), lambda n: len(n) == 2, what="a re-notice"
        )
        assert renotice["body"]["renotice_of"] == notice_id
        [attached] = renotice["attachments"]
        assert attached["copy_of_sha256"] == sha256(photo)
        data = await file_received(stack, "tiktok", renotice["reference"], 0)
        shown = Image.open(io.BytesIO(data))
        assert not shown.getexif() and not shown.getexif().get_ifd(GPS_IFD)
        assert b"Phone-Lea-81" not in data
        assert sha256(photo) in [e["digest"] for e in renotice["body"]["evidence"]]
