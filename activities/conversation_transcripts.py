"""A conversation's transcript in the store, as its workflow settles it: filed in
order at its end, moved under a case's key when linked (the conversation's key then
destroyed), or purged at the end of its retention. Each is idempotent: a retry finds
the work done and does nothing more. Nothing of a message is ever logged."""

from temporalio import activity

from domain import contract
from domain.conversation_records import (
    FileTranscriptRequest,
    LinkTranscriptRequest,
    PurgeTranscriptRequest,
    TranscriptFiled,
    TranscriptLinked,
    TranscriptPurged,
)
from relais.crypto.transcripts import TranscriptVault


class TranscriptActivities:
    def __init__(self, vault: TranscriptVault) -> None:
        self._vault = vault

    @activity.defn(name=contract.FILE_TRANSCRIPT.name)
    async def file_transcript(self, request: FileTranscriptRequest) -> TranscriptFiled:
        return await self._vault.file(request)

    @activity.defn(name=contract.LINK_TRANSCRIPT.name)
    async def link_transcript(self, request: LinkTranscriptRequest) -> TranscriptLinked:
        return await self._vault.link(
            request.conversation_id, request.case_id, request.retire_conversation_key
        )

    @activity.defn(name=contract.PURGE_TRANSCRIPT.name)
    async def purge_transcript(self, request: PurgeTranscriptRequest) -> TranscriptPurged:
        purged = await self._vault.purge(request.conversation_id, request.at)
        activity.logger.info("transcript of conversation %s purged", request.conversation_id)
        return purged
