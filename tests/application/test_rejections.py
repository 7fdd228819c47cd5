"""A workflow's refusal reaches the API as the problems the workflow gave: field,
message (verbatim) and code, read from the rejection's details, never from its text."""

from temporalio.exceptions import ApplicationError

from application.rejections import problems_from
from domain.problems import problem
from workflows.rejection import rejection


def test_problems_come_from_the_rejection_details() -> None:
    given = [
        problem("unknown_platform", ("items", 0, "platform"), "items[0].platform: unknown"),
        problem("location_missing", ("items", 1, "location"), "items[1].location: give a url"),
    ]

    problems = problems_from(rejection(given))

    assert [(p.loc, p.msg, p.type, p.code) for p in problems] == [
        (
            ("items", 0, "platform"),
            "items[0].platform: unknown",
            "RequestRejected",
            "unknown_platform",
        ),
        (
            ("items", 1, "location"),
            "items[1].location: give a url",
            "RequestRejected",
            "location_missing",
        ),
    ]


def test_the_message_is_not_parsed_for_a_field() -> None:
    """A refusal without problem details names no field, whatever its text looks like."""
    [found] = problems_from(ApplicationError("partner: unknown partner 'x'", type="Boom"))
    assert (found.loc, found.msg, found.type) == ((), "partner: unknown partner 'x'", "Boom")


def test_malformed_details_fall_back_to_the_message() -> None:
    [found] = problems_from(ApplicationError("refused", [{"no": "loc"}], type="RequestRejected"))
    assert (found.loc, found.msg) == ((), "refused")


def test_a_refusal_without_a_cause_says_so() -> None:
    [found] = problems_from(None)
    assert found.msg == "the case refused the request"
