"""What the services act on: the cases (their workflows, through Temporal), the app
database, the platforms and partners registered, and the settings. Built once per
process (the API's lifespan) and handed by every door to the service it calls."""

from dataclasses import dataclass
from functools import cached_property

from temporalio.client import Client

from application.audit_trail import AuditTrail
from application.case_access import CaseAccessPolicy
from application.case_commands import CaseCommands
from application.catalog import CatalogSource
from application.evidence_parts import EvidenceParts
from application.permits import Actor, Permit
from domain.catalog import PartnerCatalog
from relais.converter import key_store_of
from relais.crypto.transcripts import TranscriptVault
from relais.db import AuditLog, CaseDirectory, Database, TaskBoard
from relais.db.pulse_watch import PulseWatch
from relais.db.repositories.access import CaseAccessBook
from relais.db.repositories.conversations import ConversationDirectory, TypingHints
from relais.settings import Settings


@dataclass(frozen=True)
class Helpline:
    client: Client
    database: Database
    catalog_source: CatalogSource
    settings: Settings

    @cached_property
    def commands(self) -> CaseCommands:
        return CaseCommands(self.client)

    @cached_property
    def access(self) -> CaseAccessBook:
        return CaseAccessBook(self.database)

    @cached_property
    def directory(self) -> CaseDirectory:
        return CaseDirectory(self.database)

    @cached_property
    def tasks(self) -> TaskBoard:
        return TaskBoard(self.database)

    @cached_property
    def audit_log(self) -> AuditLog:
        return AuditLog(self.database)

    # ---- conversations (application.conversations) -----------------------------------------

    @cached_property
    def transcripts(self) -> TranscriptVault:
        """Message bodies, sealed with the same key store as the payload codec."""
        return TranscriptVault(self.database, key_store_of(self.client.data_converter))

    @cached_property
    def conversation_directory(self) -> ConversationDirectory:
        return ConversationDirectory(self.database)

    @cached_property
    def typing(self) -> TypingHints:
        return TypingHints(self.database)

    @cached_property
    def pulses(self) -> PulseWatch:
        """This process's one watcher over the conversations its live pages follow."""
        return PulseWatch(self.database, every=self.settings.chat.live_poll_seconds)

    @cached_property
    def evidence(self) -> EvidenceParts:
        """Evidence files (``application.evidence``): sealed with the same key store."""
        return EvidenceParts(self.settings, self.database, key_store_of(self.client.data_converter))

    @property
    def catalog(self) -> PartnerCatalog:
        """The platforms and partners registered now."""
        return self.catalog_source.catalog()

    @property
    def timezone(self) -> str:
        """The helpline's time zone (its opening hours'), for times people read."""
        return self.settings.case_policy().opening_hours.timezone

    def audit(self, who: Permit | Actor) -> AuditTrail:
        """The audit trail, writing as the person a permit was given to."""
        actor = who.actor if isinstance(who, Permit) else who
        return AuditTrail(self.audit_log, actor=actor.subject, role=actor.role.value)

    async def may_read(self, actor: Actor, case_id: str) -> bool:
        """The read rule (``application.case_access``); an unknown case is readable only
        when it does not exist, so the service answers that it does not."""
        policy = CaseAccessPolicy(self.access)
        return await policy.may_read(actor.subject, actor.role, case_id, self.commands.exists)
