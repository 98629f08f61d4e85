"""Real app servers and jobs against the test database, for the scale-out tests.

Each server is gunicorn (gunicorn.conf.py, DEBUG off) in its own process with its own
connections, as on separate machines behind a load balancer; only the database is shared.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SERVERS = 2
# Enough workers that most of one slot's racers are inside booking_create at the same time.
WORKERS_PER_SERVER = 4


def database_url() -> str:
    """The test database (test_<name>), as a DATABASE_URL for other processes."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'])}"


@pytest.fixture
def process_env(transactional_db) -> dict[str, str]:
    """Production settings for a server or job process, pointed at the test database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "DJANGO_", "RATE_LIMIT_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings",
        DATABASE_URL=database_url(),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Behind a load balancer: each client's address arrives in X-Forwarded-For.
        DJANGO_TRUSTED_PROXY_COUNT="1",
        # Emails are printed, so the jobs' output shows what was sent.
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(port: int) -> bool:
    conn = HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@pytest.fixture
def app_servers(process_env, tmp_path):
    """Two gunicorn servers on free ports; yields their ports. Stopped before the database
    is flushed (this fixture depends on transactional_db through process_env)."""
    # As every deployment does: DEBUG off serves the hashed names from the static manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=process_env,
        check=True,
        timeout=120,
    )
    servers = []
    try:
        for number in range(SERVERS):
            port = free_port()
            log = open(tmp_path / f"server-{number}.log", "w")  # noqa: SIM115
            command = [sys.executable, "-m", "gunicorn", "clinic.wsgi"]
            command += ["--config", str(ROOT / "gunicorn.conf.py")]
            command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS_PER_SERVER)]
            process = subprocess.Popen(
                command, cwd=ROOT, env=process_env, stdout=log, stderr=subprocess.STDOUT
            )
            servers.append((port, process, log))
        deadline = time.monotonic() + 30
        for port, process, log in servers:
            while not healthy(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn on port {port} did not start:\n{_read(log)}")
                time.sleep(0.1)
        yield [port for port, _, _ in servers]
    finally:
        for _, process, _ in servers:
            process.terminate()
        for _, process, log in servers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _read(log) -> str:
    log.flush()
    return Path(log.name).read_text()[-3000:]
