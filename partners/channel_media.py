"""A media file fetched from a channel, as a bounded async byte stream.

``ConversationChannel.fetch_media`` opens one in an ``async with`` block (the
connection is released when the block ends, however it ends)::

    async with channel.fetch_media(reference, max_bytes=25_000_000) as media:
        media.mime_type, media.size          # what the channel says, before reading
        async for chunk in media:            # never more than max_bytes in all
            ...

A stream that would pass ``max_bytes`` raises :class:`MediaTooLargeError` before the
chunk that passes it is handed over; a size announced over the limit raises when the
stream is opened, before any byte is read.
"""

from collections.abc import AsyncIterator

from partners.channel_errors import MediaTooLargeError


class MediaStream:
    def __init__(
        self,
        chunks: AsyncIterator[bytes],
        *,
        mime_type: str | None,
        size: int | None,
        max_bytes: int,
    ) -> None:
        check_announced(size, max_bytes)
        self.mime_type = mime_type
        self.size = size
        self.max_bytes = max_bytes
        self._chunks = chunks
        self.read_bytes = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            self.read_bytes += len(chunk)
            if self.read_bytes > self.max_bytes:
                raise MediaTooLargeError(f"media over the {self.max_bytes}-byte limit")
            if chunk:
                yield chunk

    async def read(self) -> bytes:
        """All of it (bounded by ``max_bytes``): for small files and tests."""
        return b"".join([chunk async for chunk in self])


def check_announced(size: int | None, max_bytes: int) -> None:
    if size is not None and size > max_bytes:
        raise MediaTooLargeError(f"media of {size} bytes is over the {max_bytes}-byte limit")
