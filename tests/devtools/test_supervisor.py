"""The ./dev up supervisor with real child processes: ports, failures, clean stop."""

from __future__ import annotations

import io
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devtools.probes import accepts_connections, port_in_use
from devtools.process import Console
from devtools.stack import Part, PortClaim, RestartPolicy, Supervisor, find_port_conflicts
from relais.serving import free_port

PY = sys.executable


def script(code: str) -> list[str]:
    return [PY, "-c", code]


def serve_forever(port: int, banner: str = "up") -> list[str]:
    """A part that listens on ``port``, prints ``banner``, and runs until signalled."""
    return script(
        "import socket, time\n"
        f"s = socket.create_server(('127.0.0.1', {port}))\n"
        f"print({banner!r}, flush=True)\n"
        "while True: time.sleep(1)\n"
    )


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def make(tmp_path: Path, parts: list[Part], **kwargs: object) -> tuple[Supervisor, io.StringIO]:
    out = io.StringIO()
    supervisor = Supervisor(
        parts,
        cwd=tmp_path,
        log_dir=tmp_path / "logs",
        env=dict(os.environ),
        console=Console(out),
        **kwargs,  # type: ignore[arg-type]
    )
    return supervisor, out


def test_port_in_use_sees_a_listener_and_not_a_free_port(taken_port: int) -> None:
    assert port_in_use("127.0.0.1", taken_port)
    assert not port_in_use("127.0.0.1", free_port())


def test_taken_port_names_port_part_and_override_and_starts_nothing(
    tmp_path: Path, taken_port: int
) -> None:
    marker = tmp_path / "started"
    parts = [
        Part("first", script(f"open({str(marker)!r}, 'w')"), one_shot=True),
        Part("api", serve_forever(taken_port), ports=(PortClaim(taken_port, "API", "X_PORT"),)),
    ]
    conflicts = find_port_conflicts(parts, "127.0.0.1")
    assert [(c.part, c.claim.port) for c in conflicts] == [("api", taken_port)]

    supervisor, out = make(tmp_path, parts)
    assert supervisor.run() == 1
    text = out.getvalue()
    assert f"port {taken_port} (API, needed by api) is already in use" in text
    assert "X_PORT=<another port>" in text
    assert "nothing was started" in text
    assert not marker.exists()


def test_part_that_exits_is_reported_with_its_last_lines_and_others_are_stopped(
    tmp_path: Path,
) -> None:
    port = free_port()
    parts = [
        Part("server", serve_forever(port), ready=accepts_connections("127.0.0.1", port)),
        Part(
            "broken",
            script("print('cannot open the frobnicator', flush=True); exit(3)"),
            ready_line="listening",
        ),
    ]
    supervisor, out = make(tmp_path, parts)
    assert supervisor.run() == 1
    text = out.getvalue()
    assert "broken failed: exited with code 3 before it was ready" in text
    assert "    cannot open the frobnicator" in text
    assert "stopping server" in text
    assert all(group_gone(child.pgid) for child in supervisor.children)
    assert "cannot open the frobnicator" in (tmp_path / "logs" / "broken.log").read_text()


def test_part_never_ready_times_out_and_is_stopped(tmp_path: Path) -> None:
    parts = [
        Part(
            "slow",
            script("import time\nwhile True: time.sleep(1)"),
            ready=lambda: False,
            ready_what="a miracle",
            ready_timeout=0.5,
        )
    ]
    supervisor, out = make(tmp_path, parts)
    assert supervisor.run() == 1
    assert "slow failed: not ready after 0 s (waited for a miracle)" in out.getvalue()
    assert group_gone(supervisor.children[0].pgid)


def test_failed_one_shot_step_stops_the_start(tmp_path: Path) -> None:
    parts = [
        Part("migrate", script("print('no such table', flush=True); exit(1)"), one_shot=True),
        Part("after", script("print('should not run')")),
    ]
    supervisor, out = make(tmp_path, parts)
    assert supervisor.run() == 1
    text = out.getvalue()
    assert "migrate failed: exited with code 1" in text
    assert "should not run" not in text
    assert len(supervisor.children) == 1


class Running:
    """A supervisor run in a thread, as ./dev up runs it in the foreground."""

    def __init__(self, supervisor: Supervisor) -> None:
        self.ready = threading.Event()
        supervisor.on_ready = self.ready.set
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, args=(supervisor,))
        self.thread.start()
        wait_until(lambda: self.ready.is_set() or not self.thread.is_alive())

    def _run(self, supervisor: Supervisor) -> None:
        self.code = supervisor.run()

    def join(self) -> int | None:
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()
        return self.code


QUICK = RestartPolicy(delays=(0.1, 0.3), max_restarts=2, window=60.0)


def test_part_killed_after_start_up_is_restarted_and_ready_again(tmp_path: Path) -> None:
    port = free_port()
    starts = tmp_path / "starts"
    counted = script(
        "import os, time\n"
        f"with open({str(starts)!r}, 'a') as f: f.write('x')\n"
        "print('working', flush=True)\n"
        "while True: time.sleep(1)\n"
    )
    parts = [
        Part("server", serve_forever(port), ready=accepts_connections("127.0.0.1", port)),
        Part("worker", counted, ready_line="working"),
    ]
    supervisor, out = make(tmp_path, parts, restart=QUICK)
    running = Running(supervisor)
    assert running.ready.is_set()
    first = supervisor.children[1]
    os.killpg(first.pgid, signal.SIGKILL)  # as the OOM killer or kill -9 would
    wait_until(lambda: "worker is ready again" in out.getvalue())
    assert starts.read_text() == "xx"
    assert supervisor.children[1] is not first and supervisor.children[1].returncode() is None
    assert supervisor.children[0].returncode() is None, "the others kept running"
    supervisor.request_stop("SIGINT")
    assert running.join() == 0
    text = out.getvalue()
    assert "worker failed: exited unexpectedly with code -9 (SIGKILL); restarting in 0.1 s" in text
    assert "--- restarted by ./dev up" in (tmp_path / "logs" / "worker.log").read_text()
    assert all(group_gone(child.pgid) for child in supervisor.children)


def test_part_that_keeps_dying_is_given_up_after_repeated_restarts(tmp_path: Path) -> None:
    port = free_port()
    stop_file = tmp_path / "crash-now"
    crasher = script(
        "import os, time\n"
        "print('working', flush=True)\n"
        f"while not os.path.exists({str(stop_file)!r}): time.sleep(0.05)\n"
        "print('out of memory', flush=True)\n"
        "raise SystemExit(9)\n"
    )
    parts = [
        Part("server", serve_forever(port), ready=accepts_connections("127.0.0.1", port)),
        Part("crasher", crasher, ready_line="working"),
    ]
    supervisor, out = make(tmp_path, parts, restart=QUICK)
    running = Running(supervisor)
    assert running.ready.is_set()
    stop_file.touch()
    assert running.join() == 1
    text = out.getvalue()
    assert "crasher failed: exited unexpectedly with code 9; restarting in 0.1 s" in text
    assert "restarting in 0.3 s (restart 2, at most 2 in 60 s)" in text
    assert "restarted 2 times in the last 60 s: giving up" in text
    assert "    out of memory" in text
    assert all(group_gone(child.pgid) for child in supervisor.children)


def test_part_not_to_restart_stops_the_rest_when_it_dies(tmp_path: Path) -> None:
    crasher = script("print('working', flush=True)\nimport time; time.sleep(0.3)\nexit(4)")
    parts = [Part("once", crasher, ready_line="working", restart=False)]
    supervisor, out = make(tmp_path, parts, restart=QUICK)
    running = Running(supervisor)
    assert running.join() == 1
    assert "once failed: exited unexpectedly with code 4" in out.getvalue()
    assert "restarting" not in out.getvalue()


def test_stop_request_stops_every_group_in_reverse_order_and_exits_0(tmp_path: Path) -> None:
    """Ctrl-C path: grandchildren die with their part; a part ignoring SIGTERM is killed."""
    port = free_port()
    spawner = script(
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        "print('spawned', flush=True)\n"
        "while True: time.sleep(1)\n"
    )
    stubborn = script(
        "import signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "print('ignoring SIGTERM', flush=True)\n"
        "while True: time.sleep(1)\n"
    )
    parts = [
        Part("server", serve_forever(port), ready=accepts_connections("127.0.0.1", port)),
        Part("spawner", spawner, ready_line="spawned"),
        Part("stubborn", stubborn, ready_line="ignoring SIGTERM"),
    ]
    supervisor, out = make(tmp_path, parts, stop_timeout=1.0)
    running = Running(supervisor)
    assert running.ready.is_set()
    supervisor.request_stop("SIGINT")
    assert running.join() == 0
    text = out.getvalue()
    assert "stopping stubborn, spawner, server" in text
    assert "stubborn did not stop within 1 s: killed" in text
    assert "stopped (SIGINT)" in text
    assert all(group_gone(child.pgid) for child in supervisor.children)
    assert not port_in_use("127.0.0.1", port)
