"""A small foreground process supervisor: start parts in order, wait for each, stop all cleanly.

Start-up is all or nothing: ports are checked before anything starts; a part that
exits or is not ready in time is reported with its last log lines and the parts
already running are stopped (newest first), exit code 1. Once everything is up, the
supervisor waits for a stop request (Ctrl-C, SIGTERM). A part that exits meanwhile
(killed, out of memory, a crash) is reported with its last lines and started again
after a growing pause (:class:`RestartPolicy`); one that keeps failing, more than
``max_restarts`` times in ``window`` seconds, stops the whole stack (exit code 1):
a crash loop is a bug to read, not to hide.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devtools.probes import Probe, port_in_use
from devtools.process import Child, Console


@dataclass(frozen=True)
class PortClaim:
    """A port a part needs, and the environment variable that moves it."""

    port: int
    what: str
    env_var: str


@dataclass(frozen=True)
class Part:
    name: str
    command: Sequence[str]
    ports: Sequence[PortClaim] = ()
    ready: Probe | None = None
    ready_line: str | None = None
    ready_what: str = "it to start"
    one_shot: bool = False
    """Runs to completion (exit 0) before the next part starts, e.g. migrations."""
    env: Mapping[str, str] = field(default_factory=dict)
    ready_timeout: float = 60.0
    restart: bool = True
    """Started again when it exits unexpectedly (never a one-shot part)."""


@dataclass(frozen=True)
class RestartPolicy:
    """Pauses before each restart of a part (the last one repeats), and when to give up."""

    delays: Sequence[float] = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
    max_restarts: int = 5
    window: float = 300.0

    def delay(self, restarts_so_far: int) -> float:
        return self.delays[min(restarts_so_far, len(self.delays) - 1)]


@dataclass(frozen=True)
class PortConflict:
    part: str
    claim: PortClaim
    host: str

    def message(self) -> str:
        port = self.claim.port
        return (
            f"port {port} ({self.claim.what}, needed by {self.part}) is already in use on "
            f"{self.host}.\n"
            f"  Free it: stop what holds it (`ss -ltnp 'sport = :{port}'` shows the process; "
            f"often an earlier ./dev up still running),\n"
            f"  or move it: {self.claim.env_var}=<another port> ./dev up"
        )


def find_port_conflicts(parts: Sequence[Part], host: str) -> list[PortConflict]:
    return [
        PortConflict(part.name, claim, host)
        for part in parts
        for claim in part.ports
        if port_in_use(host, claim.port)
    ]


class Supervisor:
    """Runs ``parts`` in the foreground; ``run()`` returns the exit code for ``./dev up``."""

    def __init__(
        self,
        parts: Sequence[Part],
        *,
        cwd: Path,
        log_dir: Path,
        env: Mapping[str, str],
        console: Console,
        host: str = "127.0.0.1",
        stop_timeout: float = 15.0,
        on_ready: Callable[[], None] | None = None,
        restart: RestartPolicy | None = None,
    ) -> None:
        self.parts = list(parts)
        self.cwd = cwd
        self.log_dir = log_dir
        self.env = dict(env)
        self.console = console
        self.host = host
        self.stop_timeout = stop_timeout
        self.on_ready = on_ready
        self.restart = restart or RestartPolicy()
        self.children: list[Child] = []
        self._stop = threading.Event()
        self._hurry = threading.Event()
        self._stop_reason = ""

    def say(self, text: str) -> None:
        self.console.line("dev", text)

    def request_stop(self, reason: str) -> None:
        """Ask ``run()`` to stop everything; a second request stops without waiting."""
        if self._stop.is_set():
            self._hurry.set()
            return
        self._stop_reason = reason
        self._stop.set()

    def run(self) -> int:
        conflicts = find_port_conflicts(self.parts, self.host)
        if conflicts:
            for conflict in conflicts:
                self.say(conflict.message())
            self.say("nothing was started")
            return 1
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            code = self._start_all()
            if code is None and not self._stop.is_set():
                if self.on_ready is not None:
                    self.on_ready()
                code = self._watch()
        finally:
            self._stop_all()
        if code is None:
            self.say(f"stopped ({self._stop_reason})")
            return 0
        return code

    def _start_all(self) -> int | None:
        for part in self.parts:
            if self._stop.is_set():
                return None
            self.say(f"starting {part.name}: {' '.join(part.command)}")
            child = self._spawn(part)
            self.children.append(child)
            problem = self._wait_ready(part, child)
            if problem is not None:
                self._report(child, problem)
                return 1
            if part.one_shot:
                self.say(f"{part.name} done")
            elif not self._stop.is_set():
                self.say(f"{part.name} is ready")
        return None

    def _spawn(self, part: Part, *, again: bool = False) -> Child:
        return Child(
            part.name,
            part.command,
            env={**self.env, **part.env},
            cwd=self.cwd,
            log_path=self.log_dir / f"{part.name}.log",
            console=self.console,
            append=again,  # a restart keeps the log of the run that died
        )

    def _wait_ready(self, part: Part, child: Child) -> str | None:
        """None when ready (or stop requested); else what went wrong."""
        started = time.monotonic()
        while not self._stop.is_set():
            code = child.returncode()
            if part.one_shot and code is not None:
                return None if code == 0 else f"exited with code {code}"
            if code is not None:
                return f"exited with code {code} before it was ready"
            if not part.one_shot and self._is_ready(part, child):
                return None
            if time.monotonic() - started > part.ready_timeout:
                return f"not ready after {part.ready_timeout:.0f} s (waited for {part.ready_what})"
            self._stop.wait(0.2)
        return None

    @staticmethod
    def _is_ready(part: Part, child: Child) -> bool:
        if part.ready_line is not None and not child.saw(part.ready_line):
            return False
        return part.ready is None or part.ready()

    def _watch(self) -> int | None:
        """Wait for a stop request (None); restart parts that die, or give up (1)."""
        restarts: dict[str, list[float]] = {}
        while not self._stop.wait(0.25):
            for index, part in enumerate(self.parts):
                child = self.children[index]
                code = None if part.one_shot else child.returncode()
                if code is None:
                    continue
                why = f"exited unexpectedly with code {code}{_signal_name(code)}"
                if not part.restart:
                    self._report(child, why)
                    return 1
                now = time.monotonic()
                recent = [t for t in restarts.get(part.name, []) if now - t < self.restart.window]
                if len(recent) >= self.restart.max_restarts:
                    self._report(
                        child,
                        f"{why}; restarted {len(recent)} times in the last "
                        f"{self.restart.window:g} s: giving up",
                    )
                    return 1
                delay = self.restart.delay(len(recent))
                self._report(
                    child,
                    f"{why}; restarting in {delay:g} s (restart {len(recent) + 1}, at most "
                    f"{self.restart.max_restarts} in {self.restart.window:g} s)",
                )
                if self._stop.wait(delay):
                    return None
                restarts[part.name] = [*recent, time.monotonic()]
                self.children[index] = self._restart(part)
        return None

    def _restart(self, part: Part) -> Child:
        self.say(f"restarting {part.name}")
        child = self._spawn(part, again=True)
        problem = self._wait_ready(part, child)
        if problem is None and not self._stop.is_set():
            self.say(f"{part.name} is ready again")
        elif problem is not None:
            self.say(f"{part.name} did not come back: {problem}")
            child.stop(self.stop_timeout, self._hurry)  # seen as exited: the next try
        return child

    def _report(self, child: Child, problem: str) -> None:
        self.say(f"{child.name} failed: {problem}")
        lines = child.tail()
        if lines:
            self.say(f"last lines of {child.log_path}:")
            self.console.block("\n".join(f"    {line}" for line in lines))
        else:
            self.say(f"{child.name} printed nothing (log: {child.log_path})")

    def _stop_all(self) -> None:
        running = [child for child in reversed(self.children) if child.group_alive()]
        if running:
            self.say("stopping " + ", ".join(child.name for child in running))
        for child in running:
            if not child.stop(self.stop_timeout, self._hurry):
                self.say(f"{child.name} did not stop within {self.stop_timeout:.0f} s: killed")


def _signal_name(code: int) -> str:
    """`` (SIGKILL)`` for a process killed by a signal (negative return code)."""
    if code >= 0:
        return ""
    try:
        return f" ({signal.Signals(-code).name})"
    except ValueError:
        return ""
