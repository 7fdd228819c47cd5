"""The payload codec: AES-256-GCM with the data key of the payload's case.

The SDK hands the codec a *serialization context* naming the workflow a payload
belongs to (client calls, workflow commands, activities, child workflows alike), so
the codec knows the case without any help from the caller: ``with_context`` binds a
copy of the codec to that case. Each sealed payload carries its key id in its
metadata (``encryption-key-id``), so decoding needs no context at all.

Payloads that are not encrypted (histories recorded before encryption) decode
unchanged. A case whose key was destroyed (crypto-shredding) decodes to
:class:`~relais.crypto.key_store.KeyDestroyed`; new payloads of such a case (only
the purge's own bookkeeping should remain) are sealed with the global key.
"""

from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    ActivitySerializationContext,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)

from relais.crypto.key_store import GLOBAL_SCOPE, DataKey, KeyDestroyed, KeyStore
from relais.crypto.scopes import scope_of_workflow

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"


def is_sealed(payload: Payload) -> bool:
    return payload.metadata.get("encoding") == ENCODING


def key_id_of(payload: Payload) -> str:
    return payload.metadata[KEY_ID].decode()


class CaseCodec(PayloadCodec, WithSerializationContext):
    def __init__(self, key_store: KeyStore, scope: str = GLOBAL_SCOPE) -> None:
        self.key_store = key_store
        self.scope = scope

    def with_context(self, context: SerializationContext) -> "CaseCodec":
        workflow_id = None
        if isinstance(context, WorkflowSerializationContext | ActivitySerializationContext):
            workflow_id = context.workflow_id
        scope = scope_of_workflow(workflow_id)
        return self if scope == self.scope else CaseCodec(self.key_store, scope)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        key = await self._sealing_key()
        return [p if is_sealed(p) else seal(key, p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        opened: list[Payload] = []
        for payload in payloads:
            if not is_sealed(payload):
                opened.append(payload)
                continue
            key = await self.key_store.key_by_id(key_id_of(payload))
            opened.append(unseal(key, payload))
        return opened

    async def _sealing_key(self) -> DataKey:
        try:
            return await self.key_store.key_for_case(self.scope)
        except KeyDestroyed:
            return await self.key_store.key_for_case(GLOBAL_SCOPE)


def seal(key: DataKey, payload: Payload) -> Payload:
    return Payload(
        metadata={"encoding": ENCODING, KEY_ID: key.key_id.encode()},
        data=key.seal(payload.SerializeToString()),
    )


def unseal(key: DataKey, payload: Payload) -> Payload:
    return Payload.FromString(key.open(payload.data))
