"""Small network checks: is a port free, does a port accept connections, does a URL answer."""

import errno
import socket
import urllib.error
import urllib.request
from collections.abc import Callable

Probe = Callable[[], bool]

# No proxy: every probe targets loopback, and a configured HTTP proxy must not intercept it.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on ``host:port`` (binding it fails).

    ``SO_REUSEADDR`` is set as servers set it, so a port left in TIME_WAIT by a
    process that just exited counts as free, while a live listener (also one on
    0.0.0.0) counts as taken.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def accepts_connections(host: str, port: int, timeout: float = 1.0) -> Probe:
    def probe() -> bool:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            return False

    return probe


def answers_200(url: str, timeout: float = 2.0) -> Probe:
    def probe() -> bool:
        try:
            with _OPENER.open(url, timeout=timeout) as response:
                return int(response.status) == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    return probe


def all_of(*probes: Probe) -> Probe:
    return lambda: all(probe() for probe in probes)
