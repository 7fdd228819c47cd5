"""The Temporal worker: composition root of the workflows and activities.

Builds the dependencies (database, adapter registry), lists what it registers, and
runs until SIGINT/SIGTERM, letting in-flight activities finish.
"""

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from activities.case_keys import CaseKeyActivities
from activities.case_news import CaseNewsActivities
from activities.case_records import CaseRecordActivities
from activities.channel_sending import channel_senders
from activities.conversation_delivery import DeliveryActivities
from activities.conversation_queue import QueueActivities
from activities.conversation_records import ConversationRecordActivities
from activities.conversation_transcripts import TranscriptActivities
from activities.handoffs import HandoffActivities
from activities.notices import NoticeActivities
from activities.retention import RetentionActivities
from partners.health import DatabaseHealthRecorder
from partners.http_support import PARTNER_CLIENTS
from partners.loading import load_registry
from partners.registry import AdapterRegistry
from relais.converter import key_store_of
from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.keyring import MasterKeyring
from relais.crypto.transcripts import TranscriptVault
from relais.db import Database
from relais.db.repositories.adapter_health import AdapterHealthBook
from relais.db.repositories.evidence import EvidenceBook
from relais.evidence.store import EvidenceStore
from relais.evidence.vault import EvidenceVault
from relais.health import (
    Check,
    Readiness,
    adapters_probe,
    database_probe,
    migrations_probe,
    readiness,
    temporal_probe,
)
from relais.health_server import serving_health
from relais.logs import configure_logging
from relais.metrics.worker_runtime import worker_runtime
from relais.namespace_setup import ensure_search_attributes
from relais.schedules import ensure_retention_schedule
from relais.settings import Settings, get_settings
from relais.telemetry import shutdown_tracing
from relais.temporal_client import connect_client
from workflows.case.workflow import SupportCaseWorkflow
from workflows.conversation.workflow import ConversationWorkflow
from workflows.queue.workflow import HelplineQueueWorkflow
from workflows.referral.workflow import ReferralWorkflow
from workflows.retention import RetentionPurgeWorkflow
from workflows.takedown.workflow import TakedownWorkflow

WORKFLOWS: Sequence[type] = (
    SupportCaseWorkflow,
    TakedownWorkflow,
    ReferralWorkflow,
    RetentionPurgeWorkflow,
    ConversationWorkflow,
    HelplineQueueWorkflow,
)

log = logging.getLogger("relais.worker")


def activities(
    database: Database, registry: AdapterRegistry, evidence: EvidenceVault | None = None
) -> list[Any]:
    health = DatabaseHealthRecorder(AdapterHealthBook(database))
    notices = NoticeActivities(registry, health, EvidenceBook(database), evidence)
    handoffs = HandoffActivities(registry, health, EvidenceBook(database))
    records = CaseRecordActivities(database)
    retention = RetentionActivities(database, evidence)
    return [
        retention.schedule_purge,
        retention.find_due_purges,
        retention.mark_purged,
        notices.notice_evidence,
        notices.submit_notice,
        notices.fetch_notice_decision,
        notices.check_content_online,
        handoffs.hand_over,
        handoffs.fetch_handoff_status,
        records.record_case,
        records.record_case_opened,
        records.record_notice,
        records.record_referral,
        records.open_task,
        records.close_tasks,
    ]


def key_activities(client: Client) -> list[Any]:
    """Crypto-shredding, on the same key store as the client's payload codec."""
    return [CaseKeyActivities(key_store_of(client.data_converter)).destroy_case_key]


def conversation_activities(
    client: Client, database: Database, registry: AdapterRegistry
) -> list[Any]:
    """Conversations: their queue, directory row and transcript (sealed with the same
    key store as the payload codec), and delivery on channels that push, through each
    messaging channel configured in the registry (WhatsApp, Messenger)."""
    keys = key_store_of(client.data_converter)
    vault = TranscriptVault(database, keys)
    records = ConversationRecordActivities(database)
    transcripts = TranscriptActivities(vault)
    return [
        QueueActivities().tell_queue,
        records.record_conversation,
        transcripts.file_transcript,
        transcripts.link_transcript,
        transcripts.purge_transcript,
        DeliveryActivities(
            vault, channel_senders(registry, database, keys, client)
        ).deliver_message,
        CaseNewsActivities(registry, database, keys).send_case_news,
    ]


def build_worker(
    client: Client,
    task_queue: str,
    database: Database,
    registry: AdapterRegistry,
    cached_cases: int = Settings.model_fields["worker_cached_cases"].default,
    evidence: EvidenceVault | None = None,
    cached_conversations: int = Settings.model_fields["worker_cached_conversations"].default,
) -> Worker:
    """``cached_cases``: the sticky cache. A case parks for days between its steps
    (a callback timer, a platform's decision), so most cached workflows would sit idle
    in memory (about 300 KiB each); one that is not cached is replayed from its short
    history (tens of events, continue-as-new keeps it short) when it next acts, a few
    milliseconds. 200 holds every case and notice active in the same minutes (a case
    sending 200 items at once included) at many times today's call volume. Measured
    with 10,000 cases parked (``bench.parked``): worker peak RSS 236 MiB caching 100,
    270 MiB caching 200, 372 MiB caching 500, 519 MiB with the SDK's default 1,000.

    ``cached_conversations``: more room for conversations. Unlike a case, an open
    conversation is read all the time (its counsellor's screen every second, its young
    person's page at each change), and a query on a workflow out of the cache replays
    its whole history first; with 200 conversations open beside the cases the LRU
    evicted one at nearly every read (``bench.conversations``, docs/benchmarks.md).
    The SDK has one LRU per worker, so the two add up."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS),
        activities=[
            *activities(database, registry, evidence),
            *key_activities(client),
            *conversation_activities(client, database, registry),
        ],
        max_cached_workflows=cached_cases + cached_conversations,
        graceful_shutdown_timeout=timedelta(seconds=20),
    )


def readiness_of(
    client: Client, database: Database, registry: AdapterRegistry, polling: asyncio.Event
) -> Callable[[], Awaitable[Readiness]]:
    """What the worker's ``/readyz`` checks: Temporal, the app database and its
    migrations, the adapters, and that the worker is polling its task queue."""

    async def worker_polling() -> Check:
        ok = polling.is_set()
        return Check(ok=ok, detail="polling the task queue" if ok else "not polling")

    probes = {
        "temporal": temporal_probe(client),
        "database": database_probe(database),
        "migrations": migrations_probe(database),
        "adapters": adapters_probe(lambda: len(registry.specs()), lambda: len(registry.problems)),
        "worker": worker_polling,
    }
    return lambda: readiness(probes)


async def run(settings: Settings) -> None:
    database = Database(settings.database_url)
    keyring = MasterKeyring.from_settings(settings)
    key_store = DatabaseKeyStore(database, keyring, cache_seconds=settings.key_cache_seconds)
    client = await connect_client(settings, key_store, worker_runtime(settings))
    registry = load_registry(settings)
    if added := await ensure_search_attributes(client):
        log.info("search attributes added to the namespace: %s", ", ".join(added))
    evidence = EvidenceVault(
        store=EvidenceStore.from_settings(settings), keys=key_store, book=EvidenceBook(database)
    )
    worker = build_worker(
        client,
        settings.task_queue,
        database,
        registry,
        settings.worker_cached_cases,
        evidence,
        cached_conversations=settings.worker_cached_conversations,
    )
    if await ensure_retention_schedule(client, settings.task_queue):
        log.info("retention purge scheduled daily")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    polling = asyncio.Event()
    health_port = settings.worker_health_port
    ready = readiness_of(client, database, registry, polling)
    async with serving_health(ready, settings.worker_http_host, health_port), worker:
        polling.set()
        log.info(
            "worker started on task queue %s (%d adapters)",
            settings.task_queue,
            len(registry.specs()),
        )
        if settings.metrics_enabled and settings.worker_metrics_port:
            log.info(
                "worker metrics on http://%s:%d/metrics",
                settings.worker_http_host,
                settings.worker_metrics_port,
            )
        if health_port:
            log.info("worker probes on http://%s:%d/readyz", settings.worker_http_host, health_port)
        await stop.wait()
        polling.clear()
        log.info("worker stopping: letting running activities finish")
    await PARTNER_CLIENTS.aclose()
    await database.dispose()
    shutdown_tracing()


def main() -> None:
    settings = get_settings()
    configure_logging(log_format=settings.log_format)
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
