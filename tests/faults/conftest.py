"""Fault tests: start what they break (their own redis-server), never the shared services.

Each test prints what was lost, what was duplicated and how long recovery took.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI needs the fault tests, but {reason}", pytrace=False)
    print(f"\nSkipping fault test: {reason}", file=sys.stderr)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A private redis-server on a free port; stop() and start() affect only it."""

    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # as abrupt as an outage
            self.process.wait(timeout=10)
        self.process = None

    @contextmanager
    def down(self):
        self.stop()
        try:
            yield
        finally:
            self.start()


@pytest.fixture
def own_redis():
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed (apt-get install redis-server)")
    server = OwnRedis(binary)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def report(name: str, *, lost, duplicated, recovery_seconds=None, **extra) -> None:
    """The line every fault test prints, so CI logs show the figures."""
    parts = [f"lost={lost}", f"duplicated={duplicated}"]
    if recovery_seconds is not None:
        parts.append(f"recovery={recovery_seconds:.2f}s")
    parts += [f"{key}={value}" for key, value in extra.items()]
    print(f"\nFAULT {name}: " + " ".join(parts))
