"""Headless Chromium driven over the DevTools protocol through a pipe
(``--remote-debugging-pipe``: NUL-separated JSON on file descriptors 3 and 4), so no
websocket library is needed. Just enough to navigate, set a cookie, run a script
and read the page's text."""

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

_PAGE_TEXT = """
(document.body ? document.body.innerText : '') + '\\n' +
[...document.querySelectorAll('iframe')].map(f => {
  try { return f.contentDocument.body.innerText; } catch (e) { return ''; }
}).join('\\n')
"""
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    def __init__(self, profile: Path, timeout: float = 20.0) -> None:
        binary = chromium_path()
        if binary is None:
            raise RuntimeError("chromium is not installed")
        self._timeout = timeout
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds() -> None:  # runs in the child: its fd 3 reads, fd 4 writes
            # Copies first: the pipes may themselves sit on fds 3 and 4.
            reads, writes = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        self._process = subprocess.Popen(
            [
                binary,
                *FLAGS,
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4, to_child_r, from_child_w),  # 3, 4: kept after preexec_fn
            preexec_fn=wire_fds,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call("Page.enable", session=True)

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._from_child, 65536):
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._arrived:
                        self._replies[message["id"]] = message
                        self._arrived.notify_all()

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self._timeout
        with self._arrived:
            while self._next_id not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"chromium did not answer {method}")
                self._arrived.wait(left)
            reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def navigate(self, url: str) -> None:
        self.call("Page.navigate", session=True, url=url)

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def text(self) -> str:
        """The page's visible text, and that of its same-origin frames (the Temporal UI
        renders summaries and details in frames)."""
        return str(self.evaluate(_PAGE_TEXT) or "")

    def wait_for_text(self, *needles: str, timeout: float = 30.0) -> str:
        """The page's text once it holds every needle; raise (with the text) if not in time."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.text()
            if all(n in text for n in needles):
                return text
            time.sleep(0.25)  # polling a page that renders by itself, not a fixed wait
        raise AssertionError(f"page never showed {needles!r}; it shows:\n{text[-3000:]}")

    def set_cookie(self, url: str, name: str, value: str) -> None:
        self.call(
            "Network.setCookie",
            session=True,
            url=url,
            name=name,
            value=value,
            httpOnly=True,
            sameSite="Lax",
        )

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
