"""What the Temporal UI (and ``temporal --codec-endpoint``) posts to the codec and
gets back: Temporal's ``Payloads`` in protobuf JSON, bytes as base64.

The body is declared and validated like every other body (a 422 naming the field,
``["body", "payloads", 3, "data"]``); each payload is then read with protobuf's own
JSON parser, so what protobuf JSON allows is kept (URL-safe base64, fields of
newer Temporal versions such as ``externalPayloads``: passed through as sent).
"""

from typing import Annotated, Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from pydantic import BaseModel, ConfigDict, Field
from temporalio.api.common.v1 import Payload

from application.errors import Problem, RequestRejected

MAX_PAYLOADS = 2000
Base64 = Annotated[str, Field(pattern=r"^[A-Za-z0-9+/_=-]*$", description="Base64")]


class WirePayload(BaseModel):
    """One payload: its metadata (``encoding``...) and its data, base64 each."""

    model_config = ConfigDict(extra="allow")

    metadata: dict[str, Base64] = Field(
        default_factory=dict, description='e.g. {"encoding": "anNvbi9wbGFpbg=="}'
    )
    data: Base64 = ""

    def payload(self, index: int) -> Payload:
        """The protobuf payload, or a 422 naming this payload."""
        try:
            return json_format.ParseDict(self.model_dump(), Payload(), ignore_unknown_fields=True)
        except (json_format.ParseError, DecodeError, ValueError, TypeError):
            raise RequestRejected(
                [
                    Problem(
                        ("body", "payloads", index),
                        "payloads: not a Temporal payload in protobuf JSON "
                        "(metadata and data in base64)",
                        "value_error",
                        "payload_invalid",
                    )
                ]
            ) from None


class CodecPayloads(BaseModel):
    """``{"payloads": [{"metadata": {...}, "data": "..."}]}``"""

    payloads: list[WirePayload] = Field(max_length=MAX_PAYLOADS)

    def read(self) -> list[Payload]:
        return [item.payload(index) for index, item in enumerate(self.payloads)]


def wire(payloads: list[Payload]) -> dict[str, Any]:
    """What the codec answers: the payloads in protobuf JSON."""
    return {"payloads": [json_format.MessageToDict(payload) for payload in payloads]}
