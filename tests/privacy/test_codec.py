"""The case codec seals every payload with its case's key, names the key in the
metadata, passes old plain payloads through, and stops opening a purged case."""

import json

import pytest
from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload
from temporalio.converter import ActivitySerializationContext, WorkflowSerializationContext

from relais.converter import data_converter, key_store_of
from relais.crypto.codec import ENCODING, KEY_ID, CaseCodec
from relais.crypto.key_store import GLOBAL_SCOPE, InMemoryKeyStore, KeyDestroyed
from relais.crypto.scopes import case_of_workflow
from tests.privacy.conftest import PERSONAL, keyring, random_key


def plain(value: object) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(value).encode())


def in_workflow(codec: CaseCodec, workflow_id: str) -> CaseCodec:
    return codec.with_context(WorkflowSerializationContext("default", workflow_id))


def in_activity(codec: CaseCodec, workflow_id: str) -> CaseCodec:
    return codec.with_context(
        ActivitySerializationContext(
            namespace="default",
            activity_id="1",
            activity_type="record_case",
            activity_task_queue="q",
            workflow_id=workflow_id,
            workflow_type="SupportCaseWorkflow",
            is_local=False,
        )
    )


@pytest.mark.parametrize(
    ("workflow_id", "case_id"),
    [
        ("case-3f2a9c", "3f2a9c"),
        ("notice-3f2a9c-n12", "3f2a9c"),
        ("referral-3f2a9c-r2", "3f2a9c"),
        ("notice-a-b-c-n1", "a-b-c"),
        ("something-else", None),
        ("case-", None),
        (None, None),
    ],
)
def test_the_case_comes_from_the_workflow_id(workflow_id: str | None, case_id: str | None) -> None:
    assert case_of_workflow(workflow_id) == case_id


async def test_sealed_payload_names_its_key_and_shows_nothing() -> None:
    codec = in_workflow(CaseCodec(InMemoryKeyStore(keyring(k=random_key()))), "case-c1")
    original = plain(PERSONAL)

    [sealed] = await codec.encode([original])

    assert sealed.metadata["encoding"] == ENCODING
    assert KEY_ID in sealed.metadata
    for value in PERSONAL.values():
        assert value.encode() not in sealed.SerializeToString()
    assert await CaseCodec(codec.key_store).decode([sealed]) == [original]  # no context needed


async def test_a_case_its_notices_referrals_and_activities_share_one_key() -> None:
    codec = CaseCodec(InMemoryKeyStore(keyring(k=random_key())))
    ids = set()
    for bound in (
        in_workflow(codec, "case-c1"),
        in_workflow(codec, "notice-c1-n1"),
        in_workflow(codec, "referral-c1-r3"),
        in_activity(codec, "case-c1"),
    ):
        [sealed] = await bound.encode([plain("x")])
        ids.add(sealed.metadata[KEY_ID])
    [other] = await in_workflow(codec, "case-c2").encode([plain("x")])
    [outside] = await in_workflow(codec, "nightly-report").encode([plain("x")])
    assert len(ids) == 1
    assert other.metadata[KEY_ID] not in ids
    assert await codec.key_store.case_of_key(outside.metadata[KEY_ID].decode()) == GLOBAL_SCOPE


async def test_plain_payloads_from_before_encryption_pass_through() -> None:
    codec = CaseCodec(InMemoryKeyStore(keyring(k=random_key())))
    old = plain({"case_id": "c1"})
    assert await codec.decode([old]) == [old]


async def test_a_tampered_payload_does_not_open() -> None:
    codec = in_workflow(CaseCodec(InMemoryKeyStore(keyring(k=random_key()))), "case-c1")
    [sealed] = await codec.encode([plain("x")])
    sealed.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    with pytest.raises(InvalidTag):
        await codec.decode([sealed])


async def test_destroyed_key_shreds_the_case_and_is_never_remade() -> None:
    store = InMemoryKeyStore(keyring(k=random_key()))
    codec = in_workflow(CaseCodec(store), "case-c1")
    [sealed] = await codec.encode([plain(PERSONAL)])

    assert await store.destroy_case_key("c1") is True
    assert await store.destroy_case_key("c1") is False  # idempotent

    with pytest.raises(KeyDestroyed):
        await codec.decode([sealed])
    # The purge's own bookkeeping still encodes, under the global key, not a new case key.
    [after] = await codec.encode([plain("purged")])
    assert await store.case_of_key(after.metadata[KEY_ID].decode()) == GLOBAL_SCOPE
    with pytest.raises(KeyDestroyed):
        await store.key_for_case("c1")


async def test_a_case_purged_before_it_had_a_key_never_gets_one() -> None:
    store = InMemoryKeyStore(keyring(k=random_key()))
    assert await store.destroy_case_key("never-sealed") is False
    with pytest.raises(KeyDestroyed):
        await store.key_for_case("never-sealed")


async def test_the_data_converter_encrypts_values_and_failures() -> None:
    converter = data_converter().with_context(WorkflowSerializationContext("default", "case-c9"))
    [payload] = await converter.encode([PERSONAL])
    assert payload.metadata["encoding"] == ENCODING
    assert await converter.decode([payload], [dict]) == [PERSONAL]

    from temporalio.api.failure.v1 import Failure
    from temporalio.exceptions import ApplicationError

    failure = Failure()
    await converter.encode_failure(ApplicationError(f"no reply from {PERSONAL['phone']}"), failure)
    assert PERSONAL["phone"].encode() not in failure.SerializeToString()
    decoded = await converter.decode_failure(failure)
    assert PERSONAL["phone"] in str(decoded)
    assert key_store_of(converter) is key_store_of(data_converter())
