"""The Graph API's errors, as Meta answers them.

Every error body is ``{"error": {"message", "type", "code", "error_subcode"?,
"error_data"?, "is_transient"?, "fbtrace_id"}}``; WhatsApp adds ``error_data:
{"messaging_product": "whatsapp", "details"}``. HTTP statuses follow Meta's error
tables (e.g. 130429 is 429, 131047 is 400, 132001 is 404, 131000 is 500, 2 is 503),
but Meta advises clients to decide on ``error.code``, not on the HTTP status: some
rate limits (4, 80007, 131056, Messenger's 613) come back as 400.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from simulator.meta.config import Channel


@dataclass(frozen=True)
class GraphError:
    status: int
    code: int
    title: str
    details: str | None = None
    subcode: int | None = None
    type: str = "OAuthException"
    is_transient: bool | None = None
    retry_after: int | None = None

    def body(self, channel: Channel) -> dict[str, Any]:
        error: dict[str, Any] = {"message": f"(#{self.code}) {self.title}", "type": self.type}
        error["code"] = self.code
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if channel is Channel.WHATSAPP and self.details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.is_transient is not None:
            error["is_transient"] = self.is_transient
        error["fbtrace_id"] = fbtrace_id()
        return {"error": error}

    def webhook_entry(self) -> dict[str, Any]:
        """The same error inside a WhatsApp ``failed`` status webhook (``errors[]``)."""
        entry: dict[str, Any] = {"code": self.code, "title": self.title, "message": self.title}
        if self.details is not None:
            entry["error_data"] = {"details": self.details}
        entry["href"] = (
            "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
        )
        return entry

    @property
    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


def fbtrace_id() -> str:
    return secrets.token_urlsafe(8)


# ---- both channels ------------------------------------------------------------------


def no_token() -> GraphError:
    return GraphError(
        400,
        2500,
        "An active access token must be used to query information about the current user.",
        details="No access token was given",
    )


def bad_token(channel: Channel) -> GraphError:
    status = 401 if channel is Channel.WHATSAPP else 400
    return GraphError(
        status,
        190,
        "Invalid OAuth access token - Cannot parse access token",
        details="The access token is not valid for this app",
    )


def unknown_node(node: str) -> GraphError:
    return GraphError(
        400,
        100,
        f"Unsupported post request. Object with ID '{node}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation.",
        subcode=33,
        type="GraphMethodException",
    )


def unknown_object(node: str) -> GraphError:
    return GraphError(
        400,
        100,
        f"Unsupported get request. Object with ID '{node}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation.",
        subcode=33,
        type="GraphMethodException",
    )


def invalid_parameter(details: str) -> GraphError:
    return GraphError(400, 100, "Invalid parameter", details=details)


def unavailable() -> GraphError:
    return GraphError(
        503,
        2,
        "Service temporarily unavailable",
        details="Temporary downtime or overload",
        is_transient=True,
    )


def rate_limited(channel: Channel, code: int, retry_after: int | None) -> GraphError:
    titles = {
        130429: ("Rate limit hit", "Cloud API message throughput has been reached.", 429),
        131056: (
            "(Business Account, Consumer Account) pair rate limit hit",
            "Too many messages sent from this phone number to the same recipient.",
            400,
        ),
        80007: ("Rate limit issues", "The WhatsApp Business Account reached its rate limit.", 400),
        4: ("Application request limit reached", "The app reached its API call rate limit.", 400),
        613: ("Calls to this api have exceeded the rate limit.", None, 400),
    }
    title, details, status = titles.get(code, ("Rate limit hit", None, 400))
    if channel is Channel.MESSENGER and code == 4:
        return GraphError(
            400, 4, title, subcode=2018022, is_transient=True, retry_after=retry_after
        )
    return GraphError(
        status, code, title, details=details, is_transient=True, retry_after=retry_after
    )


def transient(channel: Channel) -> GraphError:
    if channel is Channel.WHATSAPP:
        return GraphError(
            500,
            131000,
            "Something went wrong",
            details="Message failed to send due to an unknown error.",
            is_transient=True,
        )
    return GraphError(
        500, 1200, "Temporary send message failure. Please try again later", is_transient=True
    )


# ---- WhatsApp -----------------------------------------------------------------------


def missing_parameter(name: str) -> GraphError:
    return GraphError(
        400, 131008, "Required parameter is missing", details=f"The parameter {name} is required."
    )


def invalid_value(details: str) -> GraphError:
    return GraphError(400, 131009, "Parameter value is not valid", details=details)


def reengagement() -> GraphError:
    return GraphError(
        400,
        131047,
        "Re-engagement message",
        details="Message failed to send because more than 24 hours have passed since the "
        "customer last replied to this number.",
    )


def undeliverable() -> GraphError:
    return GraphError(
        400,
        131026,
        "Message undeliverable",
        details="Message failed to send because the recipient cannot receive it.",
    )


def template_missing(name: str, language: str) -> GraphError:
    return GraphError(
        404,
        132001,
        "Template name does not exist in the translation",
        details=f"template name ({name}) does not exist in {language}",
    )


# ---- Messenger ----------------------------------------------------------------------


def no_matching_user() -> GraphError:
    return GraphError(400, 100, "No matching user found", subcode=2018001)


def outside_window() -> GraphError:
    return GraphError(400, 10, "This message is sent outside of allowed window.", subcode=2018278)


def user_unavailable() -> GraphError:
    return GraphError(400, 551, "This person isn't available right now.", subcode=1545041)
