"""Reading an upload: its first bytes for sniffing, then the rest, never more than
the policy allows (the file is refused the moment it passes the limit)."""

from collections.abc import AsyncIterable, AsyncIterator

from domain.evidence import EvidenceRefused, Refusal


def too_large(limit: int, video: bool) -> EvidenceRefused:
    what = "videos" if video else "images, PDF and text files"
    return EvidenceRefused(
        Refusal.TOO_LARGE, f"the file is larger than {limit / 1_000_000:g} MB, the limit for {what}"
    )


class Arrival:
    """One upload's bytes, read once."""

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._source = stream.__aiter__()
        self._head = bytearray()
        self._exhausted = False

    async def head(self, size: int) -> bytes:
        """At least ``size`` bytes (fewer only when the file is shorter)."""
        while len(self._head) < size and not self._exhausted:
            try:
                self._head += await self._source.__anext__()
            except StopAsyncIteration:
                self._exhausted = True
        return bytes(self._head[:size])

    async def pieces(self, limit: int, *, video: bool) -> AsyncIterator[bytes]:
        """Every byte, the head first, in the pieces they came in."""
        total = 0
        pending = [bytes(self._head)] if self._head else []
        self._head = bytearray()
        while True:
            if pending:
                piece = pending.pop()
            elif self._exhausted:
                return
            else:
                try:
                    piece = await self._source.__anext__()
                except StopAsyncIteration:
                    self._exhausted = True
                    return
            total += len(piece)
            if total > limit:
                raise too_large(limit, video)
            if piece:
                yield piece

    async def read_all(self, limit: int, *, video: bool = False) -> bytearray:
        data = bytearray()
        async for piece in self.pieces(limit, video=video):
            data += piece
        return data
