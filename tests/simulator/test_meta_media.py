"""Media a young person sends, fetched by Relais the way Meta serves it: WhatsApp by
media id, then the media URL with the bearer token; Messenger at a signed CDN URL."""

import base64
import hashlib
import io
from typing import Any

from meta_support import GRAPH, WHATSAPP_TOKEN, Meta, MetaReceiver, screenshot_png
from PIL import Image
from sim_support import eventually

AUTH = {"Authorization": f"Bearer {WHATSAPP_TOKEN}"}


async def _inbound_media(meta: Meta, receiver: MetaReceiver, channel: str, **message: Any) -> Any:
    written = await meta.write(channel, **message)

    async def arrived() -> bool:
        return any(d.payload == written["payload"] for d in receiver.of(channel))

    await eventually(arrived)
    return written


async def test_relais_fetches_a_whatsapp_image_by_id_then_url(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    written = await _inbound_media(
        meta,
        meta_receiver,
        "whatsapp",
        type="image",
        caption="la capture",
        media={"mime_type": "image/png", "size": 5000, "seed": "capture-1"},
    )
    image = written["payload"]["entry"][0]["changes"][0]["value"]["messages"][0]["image"]
    assert image["id"] == written["media_id"] and image["caption"] == "la capture"

    info = await meta.http.get(f"{GRAPH}/{image['id']}", headers=AUTH)

    assert info.status_code == 200
    body = info.json()
    assert set(body) == {"messaging_product", "url", "mime_type", "sha256", "file_size", "id"}
    assert (body["mime_type"], body["file_size"], body["id"]) == ("image/png", 5000, image["id"])
    download = await meta.http.get(body["url"], headers=AUTH)
    assert download.status_code == 200
    content = download.content
    assert len(content) == 5000
    assert Image.open(io.BytesIO(content)).size == (1, 1), "a PNG an image library opens"
    assert hashlib.sha256(content).hexdigest() == body["sha256"]
    assert base64.b64decode(image["sha256"]) == hashlib.sha256(content).digest()
    again = await meta.write(
        "whatsapp",
        type="image",
        media={"mime_type": "image/png", "size": 5000, "seed": "capture-1"},
    )
    info_again = await meta.get(f"{GRAPH}/{again['media_id']}", access_token=WHATSAPP_TOKEN)
    assert info_again["sha256"] == body["sha256"], "the same seed gives the same bytes"


async def test_the_media_url_wants_the_token_and_expires(
    start_meta: Any, meta_receiver: MetaReceiver
) -> None:
    meta = await start_meta(whatsapp={"media_url_ttl_seconds": 1})
    written = await _inbound_media(meta, meta_receiver, "whatsapp", type="document")
    url = (await meta.get(f"{GRAPH}/{written['media_id']}", access_token=WHATSAPP_TOKEN))["url"]

    no_token = await meta.http.get(url)
    wrong_token = await meta.http.get(url, headers={"Authorization": "Bearer stolen"})
    no_token_info = await meta.http.get(f"{GRAPH}/{written['media_id']}")
    unknown = await meta.http.get(f"{GRAPH}/1234567890", headers=AUTH)

    assert no_token.status_code == 400 and no_token.json()["error"]["code"] == 2500
    assert wrong_token.status_code == 401 and wrong_token.json()["error"]["code"] == 190
    assert no_token_info.status_code == 400
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == 100

    async def expired() -> bool:
        return (await meta.http.get(url, headers=AUTH)).status_code == 404

    await eventually(expired)


async def test_a_test_uploads_a_screenshot_a_young_person_sends(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    png = screenshot_png()
    upload = await meta.http.post(
        "/_control/meta/media",
        params={"filename": "capture.png"},
        content=png,
        headers={"content-type": "image/png"},
    )
    assert upload.status_code == 201
    media_id = upload.json()["id"]
    assert upload.json()["sha256"] == hashlib.sha256(png).hexdigest()

    await _inbound_media(meta, meta_receiver, "whatsapp", type="image", media_id=media_id)
    url = (await meta.get(f"{GRAPH}/{media_id}", access_token=WHATSAPP_TOKEN))["url"]
    assert (await meta.http.get(url, headers=AUTH)).content == png

    messenger = await _inbound_media(
        meta, meta_receiver, "messenger", type="image", media_id=media_id
    )
    [attachment] = messenger["payload"]["entry"][0]["messaging"][0]["message"]["attachments"]
    assert attachment["type"] == "image"
    cdn = await meta.http.get(attachment["payload"]["url"])  # no token: Meta's CDN
    assert cdn.status_code == 200 and cdn.content == png
    assert cdn.headers["content-type"] == "image/png"


async def test_a_tampered_messenger_url_is_refused(meta: Meta, meta_receiver: MetaReceiver) -> None:
    written = await _inbound_media(meta, meta_receiver, "messenger", type="file")
    url = written["payload"]["entry"][0]["messaging"][0]["message"]["attachments"][0]["payload"][
        "url"
    ]

    tampered = url.replace("oh=", "oh=0")

    assert (await meta.http.get(url)).status_code == 200
    assert (await meta.http.get(tampered)).status_code == 403


async def test_uploads_name_what_is_missing(meta: Meta) -> None:
    no_type = await meta.http.post(
        "/_control/meta/media", content=b"x", headers={"content-type": ""}
    )
    empty = await meta.http.post(
        "/_control/meta/media", content=b"", headers={"content-type": "image/png"}
    )
    unknown = await meta.http.post(
        "/_control/meta/whatsapp/inbound",
        json={"from": "33612345678", "type": "image", "media_id": "42"},
    )

    assert no_type.json()["detail"][0]["field"] == "content-type"
    assert empty.json()["detail"][0]["field"] == "body"
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "media_id"
