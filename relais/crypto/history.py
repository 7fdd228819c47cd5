"""Exported histories in clear, for the replay tests: ``tests/histories/`` must replay
in any process, but an encrypted history opens only where its case keys are. Record
with ``decrypted_history_json(history.to_json(), client.data_converter.payload_codec)``.

Only for histories recorded from test data: a real case's history stays encrypted.
"""

import base64
import json
from typing import Any

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from relais.crypto.codec import ENCODING

_SEALED = base64.b64encode(ENCODING).decode()


async def decrypted_history_json(history_json: str, codec: PayloadCodec) -> str:
    data = json.loads(history_json)
    await _open(data, codec)
    return json.dumps(data, indent=2)


async def _open(node: Any, codec: PayloadCodec) -> None:
    if isinstance(node, list):
        for item in node:
            await _open(item, codec)
        return
    if not isinstance(node, dict):
        return
    metadata = node.get("metadata")
    if isinstance(metadata, dict) and metadata.get("encoding") == _SEALED:
        [opened] = await codec.decode([json_format.ParseDict(node, Payload())])
        node.clear()
        node.update(json_format.MessageToDict(opened))
        return
    for value in node.values():
        await _open(value, codec)
