"""The evidence machinery of one process: the store (folder or bucket), the intake,
the vault and the PDQ index (``relais.evidence``), built once on the Helpline."""

from relais.crypto.key_store import KeyStore
from relais.db import Database
from relais.db.repositories.evidence import EvidenceBook
from relais.db.repositories.ledgers import NoticeLedger
from relais.evidence.intake import EvidenceIntake
from relais.evidence.matching import EvidenceMatcher
from relais.evidence.store import EvidenceStore
from relais.evidence.vault import EvidenceVault
from relais.settings import Settings


class EvidenceParts:
    def __init__(self, settings: Settings, database: Database, keys: KeyStore) -> None:
        policy = settings.evidence_policy
        self.book = EvidenceBook(database)
        self.store = EvidenceStore.from_settings(settings)
        self.intake = EvidenceIntake(store=self.store, keys=keys, book=self.book, policy=policy)
        self.vault = EvidenceVault(store=self.store, keys=keys, book=self.book)
        self.matcher = EvidenceMatcher(self.book, policy)
        self.notices = NoticeLedger(database)  # removals of matching content elsewhere
