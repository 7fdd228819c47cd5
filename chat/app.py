"""Mount the web chat on the API's app: its page and JSON routers under ``/chat``, its
static files, its session keeper, its headers, and the page a form from another site
gets. Only when the web chat channel is enabled (``RELAIS_CHANNELS_ENABLED``)."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from chat.i18n import LANGUAGE_COOKIE, chosen, translations
from chat.routes import api, files, page, stream, upload
from chat.session import ChatSessions
from chat.web import STATIC, ChatHeaders, CrossSite
from relais.settings import BuiltInChannel, Settings


def install_chat(app: FastAPI, settings: Settings) -> None:
    """Everything the chat needs on ``app`` (one call from ``api.app``)."""
    if BuiltInChannel.WEBCHAT not in settings.channels_enabled:
        return
    app.state.chat_sessions = ChatSessions(settings)
    app.include_router(page.router)
    app.include_router(api.router)
    app.include_router(stream.router)
    app.include_router(upload.router)
    app.include_router(files.router)
    app.mount(STATIC, StaticFiles(directory=str(Path(__file__).parent / "static")), name="chat")
    app.add_exception_handler(CrossSite, _cross_site)
    app.add_middleware(ChatHeaders, settings=settings)


async def _cross_site(request: Request, exc: Exception) -> HTMLResponse:
    gettext = translations(chosen(request.cookies.get(LANGUAGE_COOKIE))).gettext
    title = gettext("Help")
    sentence = gettext("This form must be sent from the chat page itself.")
    return HTMLResponse(f"<!doctype html><title>{title}</title><p>{sentence}</p>", status_code=403)
