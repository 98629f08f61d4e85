"""make bench over HTTP: gunicorn started and stopped, pages fetched, wrk runs.

Shared by bench_clinic.py (the page tables) and bench_busy.py (the busy clinic run).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LUA = Path(__file__).with_name("wrk_report.lua")
# Production sits behind a TLS proxy that says so; without the header every page redirects.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
CACHE_HEADER = "X-Free-Times-Cache"


def log_dir() -> Path:
    path = Path(os.environ.get("BENCH_LOG_DIR") or ROOT / "artifacts" / "bench")
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, dict[str, str]]:
    """GET `path`: the status and the headers (names in lower case)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=PROXY_HEADERS)
        response = conn.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        conn.close()


def _wait_for(process: subprocess.Popen, port: int, log_name: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: gunicorn exited with {process.returncode}; see {log_name}")
        try:
            if fetch(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise SystemExit(f"bench: gunicorn did not answer /healthz within 30 s; see {log_name}")


def stop(process: subprocess.Popen) -> None:
    """Stop a process this benchmark started (by its own handle, nothing else)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def gunicorn(name: str, workers: int, env: dict[str, str] | None = None):
    """Run gunicorn (production config) on a free port for the block; yields the port.
    Its log: <BENCH_LOG_DIR>/gunicorn-<name>.log."""
    port = free_port()
    log_path = log_dir() / f"gunicorn-{name}.log"
    command = [sys.executable, "-m", "gunicorn", "clinic.wsgi"]
    command += ["--config", str(ROOT / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    full_env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", **(env or {})}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_for(process, port, log_path.name)
            yield port
        finally:
            stop(process)


def run_wrk(url: str, *, seconds: float, threads: int, connections: int) -> dict:
    """One wrk run; req/s, p50/p99 ms, and how many answers said the free-times cache was hit
    or missed (wrk_report.lua counts the X-Free-Times-Cache header)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(LUA), "-H", "X-Forwarded-Proto: https", url]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "requests": int(data["requests"]),
        "bad_status": int(data["status"]),
        "socket_errors": int(errors),
        "cache_hits": int(data["hits"]),
        "cache_misses": int(data["misses"]),
    }


def warm_up(port: int, url: str, *, threads: int, connections: int) -> None:
    """A 1 s run, then wait for the requests it left queued: a sync worker answers /healthz
    only after them, so the measured run starts on an idle server."""
    run_wrk(url, seconds=1, threads=threads, connections=connections)
    fetch(port, "/healthz")


def mean_of(runs: list[dict]) -> dict:
    """Runs of one page combined: mean req/s and latencies, summed counts, each run's req/s."""
    combined = {
        key: sum(run[key] for run in runs) / len(runs) for key in ("rps", "p50_ms", "p99_ms")
    }
    for key in ("requests", "bad_status", "socket_errors", "cache_hits", "cache_misses"):
        combined[key] = sum(run[key] for run in runs)
    combined["rps_runs"] = [run["rps"] for run in runs]
    return combined


def miss_share(figures: dict) -> float | None:
    """The share of free-time answers computed rather than served from the cache."""
    marked = figures["cache_hits"] + figures["cache_misses"]
    return figures["cache_misses"] / marked if marked else None
