"""CORS for the codec endpoint only: the Temporal UI (another origin) calls
``/codec/*`` from the browser, with credentials when signed in by cookie. The rest
of the API is for server-side callers and answers no cross-origin request."""

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

CODEC_PREFIX = "/codec"


class CodecCors:
    def __init__(self, app: ASGIApp, ui_origins: list[str]) -> None:
        self._app = app
        self._cors = CORSMiddleware(
            app,
            allow_origins=ui_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Namespace"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(CODEC_PREFIX):
            await self._cors(scope, receive, send)
        else:
            await self._app(scope, receive, send)
