"""One child process of the local stack: its own process group, its output prefixed and logged.

Each child runs in a new session (so its own process group): Ctrl-C in the terminal
reaches only ``./dev``, which then stops the children in order, and stopping a child
signals its whole group, so nothing it spawned is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO


class Console:
    """Writes whole lines to a stream from many threads, ``[part]``-prefixed."""

    def __init__(self, stream: TextIO, width: int = 9) -> None:
        self._stream = stream
        self._width = width
        self._lock = threading.Lock()

    def line(self, prefix: str, text: str) -> None:
        tag = f"[{prefix}]".ljust(self._width + 2)
        with self._lock:
            self._stream.write(f"{tag} {text}\n")
            self._stream.flush()

    def block(self, text: str) -> None:
        with self._lock:
            self._stream.write(text if text.endswith("\n") else text + "\n")
            self._stream.flush()


class Child:
    """A started process whose output is copied to the console and to ``log_path``."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        log_path: Path,
        console: Console,
        tail_lines: int = 30,
        append: bool = False,
    ) -> None:
        self.name = name
        self.log_path = log_path
        self._console = console
        self._tail: deque[str] = deque(maxlen=tail_lines)
        self._seen: list[str] = []
        self._lock = threading.Lock()
        self._log = log_path.open("a" if append else "w", encoding="utf-8")
        if append:
            self._log.write(f"--- restarted by ./dev up at {time.strftime('%H:%M:%S')} ---\n")
        self.process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
            start_new_session=True,
        )
        self.pgid = self.process.pid  # a new session's leader leads its own group
        self._pump = threading.Thread(target=self._copy_output, name=f"log-{name}", daemon=True)
        self._pump.start()

    def _copy_output(self) -> None:
        assert self.process.stdout is not None
        try:
            for raw in self.process.stdout:
                text = raw.rstrip("\n")
                with self._lock:
                    self._tail.append(text)
                    self._seen.append(text)
                    if len(self._seen) > 2000:  # only recent lines matter for readiness
                        del self._seen[:1000]
                self._log.write(text + "\n")
                self._log.flush()
                self._console.line(self.name, text)
        finally:
            self._log.close()

    def returncode(self) -> int | None:
        return self.process.poll()

    def saw(self, marker: str) -> bool:
        """Whether ``marker`` appeared in the output so far."""
        with self._lock:
            return any(marker in text for text in self._seen)

    def tail(self) -> list[str]:
        """The last lines of output, once the output pipe is drained (bounded wait)."""
        self._pump.join(timeout=2.0)
        with self._lock:
            return list(self._tail)

    def group_alive(self) -> bool:
        try:
            os.killpg(self.pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.pgid, signum)
        except ProcessLookupError:
            pass

    def stop(self, timeout: float, hurry: threading.Event | None = None) -> bool:
        """SIGTERM the group, wait up to ``timeout`` s, then SIGKILL what is left.

        Returns True when it stopped on SIGTERM alone. ``hurry`` (a second Ctrl-C)
        cuts the wait short.
        """
        graceful = True
        if self.process.poll() is None or self.group_alive():
            self._signal_group(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self._running() and time.monotonic() < deadline:
                if hurry is not None and hurry.is_set():
                    break
                time.sleep(0.05)
            if self._running():
                graceful = False
                self._signal_group(signal.SIGKILL)
                self.process.wait(timeout=10)
                self._wait_group_gone(5.0)
        self._pump.join(timeout=2.0)
        return graceful

    def _running(self) -> bool:
        """The leader has not exited, or members of its group remain."""
        return self.process.poll() is None or self.group_alive()

    def _wait_group_gone(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.group_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
