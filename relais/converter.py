"""The one data converter shared by the API and the worker.

Pydantic models travel as JSON; every payload is then sealed by the case codec
(AES-256-GCM, a key per case, see :mod:`relais.crypto`), and failures carry their
message and stack trace inside an encrypted payload too, so the history shows
nothing readable.

``data_converter(key_store)``: the API and the worker pass the app database's key
store. Without one (tests, the replayer, short scripts) a process-wide in-memory
store is used: what it seals is readable by this process only.
"""

from functools import lru_cache

from temporalio.contrib.pydantic import PydanticPayloadConverter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes

from relais.crypto.codec import CaseCodec
from relais.crypto.key_store import InMemoryKeyStore, KeyStore
from relais.crypto.keyring import MasterKeyring
from relais.settings import get_settings


@lru_cache
def memory_key_store() -> KeyStore:
    settings = get_settings()
    return InMemoryKeyStore(
        MasterKeyring.from_settings(settings), cache_seconds=settings.key_cache_seconds
    )


def data_converter(key_store: KeyStore | None = None) -> DataConverter:
    return DataConverter(
        payload_converter_class=PydanticPayloadConverter,
        payload_codec=CaseCodec(key_store or memory_key_store()),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def key_store_of(converter: DataConverter) -> KeyStore:
    """The key store behind a converter built by :func:`data_converter`."""
    codec = converter.payload_codec
    if not isinstance(codec, CaseCodec):
        raise TypeError("this data converter has no case codec: build it with data_converter()")
    return codec.key_store
