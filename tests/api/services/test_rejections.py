"""A workflow's refusal becomes problems that name the field, text kept verbatim."""

import pytest
from temporalio.exceptions import ApplicationError

from api.services.rejections import field_path, problems_from


@pytest.mark.parametrize(
    ("problem", "path"),
    [
        ("items[0].platform: unknown platform 'x' (known: tiktok)", ("items", 0, "platform")),
        ("items[12].location.url must start with http://", ("items", 12, "location", "url")),
        ("consents.report_to_platforms: not consented", ("consents", "report_to_platforms")),
        ("partner: unknown partner 'x'", ("partner",)),
        ("the case is closed", ()),
        ("Partner: capitalised is a sentence", ()),
        ("Case closed.", ()),
        ("", ()),
    ],
)
def test_field_path(problem: str, path: tuple[str | int, ...]) -> None:
    assert field_path(problem) == path


def test_problems_come_from_the_details_list_when_given() -> None:
    cause = ApplicationError(
        "a; b", ["items[0].platform: unknown", "items[1].location: give a url"], type="Invalid"
    )

    problems = problems_from(cause)

    assert [(p.loc, p.msg, p.type) for p in problems] == [
        (("items", 0, "platform"), "items[0].platform: unknown", "Invalid"),
        (("items", 1, "location"), "items[1].location: give a url", "Invalid"),
    ]


def test_the_message_is_used_when_there_are_no_details() -> None:
    [problem] = problems_from(ApplicationError("partner: unknown partner 'x'"))
    assert problem.loc == ("partner",)
    assert problem.msg == "partner: unknown partner 'x'"
    assert problem.type == "rejected"
