"""A person's browser reduced to HTTP, for the console's page tests: it keeps the
session cookie, reads the CSRF token and idempotency key of the form it is about to
send from the page that drew it, and posts forms as a browser does."""

import re
from dataclasses import dataclass
from html import unescape

import httpx

_HIDDEN = re.compile(r'<input type="hidden" name="(?P<name>[a-z_]+)" value="(?P<value>[^"]*)">')


def hidden_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    """The hidden fields of the form ``form_id`` (or of the first form)."""
    if form_id is not None:
        start = html.index(f'id="{form_id}"')
        html = html[start:]
    end = html.index("</form>")
    return {m["name"]: unescape(m["value"]) for m in _HIDDEN.finditer(html[:end])}


@dataclass
class ConsoleUser:
    http: httpx.AsyncClient

    async def page(self, path: str) -> httpx.Response:
        return await self.http.get(f"/console{path}")

    async def send(
        self,
        page_path: str,
        action: str,
        fields: dict[str, str | list[str]],
        *,
        form_id: str | None = None,
    ) -> httpx.Response:
        """Open ``page_path``, fill the form ``form_id`` with ``fields`` and send it."""
        drawn = await self.page(page_path)
        assert drawn.status_code == 200, drawn.text[:500]
        data: dict[str, str | list[str]] = {**hidden_fields(drawn.text, form_id), **fields}
        return await self.http.post(f"/console{action}", data=data)

    async def sign_in(self, token: str) -> httpx.Response:
        answer = await self.send("/sign-in", "/sign-in", {"token": token})
        assert answer.status_code == 303, answer.text[:500]
        return answer


def console_user(base_url: str) -> ConsoleUser:
    return ConsoleUser(httpx.AsyncClient(base_url=base_url, timeout=30, follow_redirects=False))
