"""Crypto-shredding as an activity: the retention purge destroys a case's data key.

After it, every payload of the case (workflow histories, exports, backups) stays
unreadable for good; statistics and the audit trail, which hold no personal data,
remain. Idempotent: destroying an already destroyed key is a no-op.
"""

from temporalio import activity

from domain import contract
from domain.retention import DestroyCaseKeyRequest, DestroyCaseKeyResult
from relais.crypto.key_store import KeyStore


class CaseKeyActivities:
    def __init__(self, key_store: KeyStore) -> None:
        self._keys = key_store

    @activity.defn(name=contract.DESTROY_CASE_KEY.name)
    async def destroy_case_key(self, request: DestroyCaseKeyRequest) -> DestroyCaseKeyResult:
        destroyed = await self._keys.destroy_case_key(request.case_id)
        activity.logger.info("case key destroyed for case %s", request.case_id)
        return DestroyCaseKeyResult(case_id=request.case_id, destroyed=destroyed)
