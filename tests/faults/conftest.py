"""Real dependencies that fail on cue: our own redis-server and SMTP servers, and workers.

Everything here is started on a free port of this machine and stopped by the fixture that
started it; the shared Redis on 6379 is never touched. Run with FAULTS=1 (scripts/faults.sh).
"""

import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from tests.scaleout.conftest import database_url

ROOT = Path(__file__).resolve().parents[2]
FAULTS = os.environ.get("FAULTS") == "1"


def pytest_collection_modifyitems(config, items):
    if FAULTS:
        return
    skip = pytest.mark.skip(reason="fault injection: run with FAULTS=1 (scripts/faults.sh)")
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, seconds: float, what: str, step: float = 0.1):
    """Poll `condition` until it is true; fail the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(step)
    pytest.fail(f"gave up after {seconds} s waiting for {what}")


class RedisServer:
    """A redis-server of our own; `stop()` and `start()` again on the same port mid-test."""

    def __init__(self, directory: Path, *config: str):
        self.port = free_port()
        self.directory = directory
        self.config = config
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [shutil.which("redis-server") or "redis-server", "--port", str(self.port)]
        command += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory), *self.config]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_until(self.answers, seconds=10, what=f"redis-server on {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_factory(tmp_path):
    servers = []

    def start(*config: str) -> RedisServer:
        server = RedisServer(tmp_path, *config)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


class _Silent(SMTP):
    """Accepts the connection and never says a word: not even the greeting."""

    async def _handle_client(self):
        await asyncio.Event().wait()


class BlackHoleController(Controller):
    def factory(self):
        return _Silent(self.handler)


class Sink:
    """Collects what it is sent; counts messages by their Message-ID."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def counts(self) -> Counter:
        return Counter(message["Message-ID"] for message in self.messages)


@pytest.fixture
def smtp():
    """Start and stop SMTP servers on given ports: a black hole, or a sink that accepts."""
    running = []

    def black_hole(port: int) -> Controller:
        controller = BlackHoleController(Sink(), hostname="127.0.0.1", port=port)
        controller.start()
        running.append(controller)
        return controller

    def sink(port: int) -> Sink:
        handler = Sink()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        running.append(controller)
        return handler

    def stop(controller: Controller) -> None:
        controller.stop(no_assert=True)
        running.remove(controller)

    yield type("SMTPServers", (), {"black_hole": black_hole, "sink": sink, "stop": stop})
    for controller in running:
        controller.stop(no_assert=True)


def worker_env(*, smtp_port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "DJANGO_", "REDIS_", "TASKS_", "OUTBOX_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings",
        DATABASE_URL=database_url(),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="0",
        EMAIL_TIMEOUT="1",
        # Minutes in production; here seconds, and enough tries to outlast the fault.
        OUTBOX_RETRY_DELAYS=",".join(["2"] * 40),
        JOBS_TICK_SECONDS="1",
    )
    return env


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Start `count` real `manage.py run_worker` processes; stopped before the database is
    flushed at the end of the test."""
    started = []

    def start(*, smtp_port: int, count: int = 2) -> list[subprocess.Popen]:
        for number in range(count):
            log = open(tmp_path / f"worker-{number}.log", "w")  # noqa: SIM115
            process = subprocess.Popen(
                [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
                cwd=ROOT,
                env=worker_env(smtp_port=smtp_port),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            started.append((process, log))
        return [process for process, _ in started]

    yield start
    for process, _ in started:
        process.terminate()
    for process, log in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
