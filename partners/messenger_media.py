"""A Messenger attachment whose signed URL has expired (the webhook's lasts days):
``GET /{version}/{message-id}/attachments`` with the page's access token lists the
message's files again, each with a fresh URL (``image_data.url`` for an image,
``video_data.url`` for a video, ``file_url`` for any other file). The message gone, the
file no longer there, or an answer without a URL: :class:`MediaGoneError`, and the
counsellor is told the file is gone."""

from typing import Any

from domain.channel_messages import MediaReference
from partners.channel_errors import MediaGoneError
from partners.meta_graph import GraphClient

WHAT = "ask the message's attachments again"


def url_of(attachment: Any) -> str | None:
    """The URL a Graph attachment object gives for its file, if any."""
    if not isinstance(attachment, dict):
        return None
    for data in ("image_data", "video_data"):
        found = attachment.get(data)
        if isinstance(found, dict) and isinstance(found.get("url"), str) and found["url"]:
            url: str = found["url"]
            return url
    file_url = attachment.get("file_url")
    return file_url if isinstance(file_url, str) and file_url else None


async def fresh_url(graph: GraphClient, media: MediaReference) -> str:
    """A fresh signed URL for the message's file at ``media.position``."""
    if media.message_id is None:
        raise MediaGoneError(f"{WHAT}: no message to ask", status=None)
    answer = await graph.get(graph.path(media.message_id, "attachments"), WHAT, media=True)
    data = answer.get("data")
    attachments = data if isinstance(data, list) else []
    found = attachments[media.position] if media.position < len(attachments) else None
    url = url_of(found)
    if url is None:
        raise MediaGoneError(f"{WHAT}: the message no longer has this file", status=None)
    return url
