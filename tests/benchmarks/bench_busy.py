"""make bench, a busy clinic: the time picker under wrk while a booking comes in every second.

Normal settings (free times cached), but with a throwaway Redis as the cache of gunicorn and
of a separate booking process: each booking bumps the schedule version there, so the workers'
next answers for the picker are computed again ("miss") as on a busy day with several app
servers. First the same load without bookings ("quiet"), for comparison. Skipped, with a
message, when redis-server is not installed; the shared Redis on 6379 is never used.

The booking process is this module run with --book: once a second it picks a random
therapist, a random free time of theirs in the next two weeks (find_slots) and books it with
bookings.services.booking_create, as the booking form does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

from tests.benchmarks.bench_http import (
    ROOT,
    fetch,
    free_port,
    gunicorn,
    log_dir,
    miss_share,
    run_wrk,
    stop,
    warm_up,
)

BUSY_SECONDS = 10


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def throwaway_redis(name: str):
    """A redis-server of our own on a free port, nothing saved; yields its URL, then stops
    exactly that process."""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="bench-redis-")
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", workdir]
    with open(log_dir() / f"redis-{name}.log", "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 10
            while not _redis_answers(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"bench: redis-server did not start; see redis-{name}.log")
                time.sleep(0.1)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            stop(process)
            shutil.rmtree(workdir, ignore_errors=True)


def _start_booker(env: dict, service: str, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "tests.benchmarks.bench_busy", "--book"]
    command += ["--seconds", str(BUSY_SECONDS), "--service", service]
    booker = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=log, text=True
    )
    for line in booker.stdout:
        if line.startswith("BUSY_READY"):
            return booker
    booker.wait()
    raise SystemExit(f"bench: the booking process exited with {booker.returncode}; see {log.name}")


def _finish_booker(booker: subprocess.Popen) -> dict:
    try:
        output, _ = booker.communicate(timeout=BUSY_SECONDS + 60)
    except subprocess.TimeoutExpired:
        stop(booker)
        return {"error": "the booking process did not finish"}
    line = next((ln for ln in output.splitlines() if ln.startswith("BUSY_JSON ")), None)
    if line is None:
        return {"error": f"the booking process exited with {booker.returncode}"}
    return json.loads(line.removeprefix("BUSY_JSON "))


def busy_figures(path: str, service: str, args) -> dict:
    """The picker at `path` quiet, then busy; `service`: the slug the booking process books."""
    if not shutil.which("redis-server"):
        return {"skipped": "redis-server is not installed (Debian: apt-get install redis-server)"}
    name = args.label.lower()
    load = {"threads": args.threads, "connections": args.connections}
    with throwaway_redis(name) as redis_url:
        env = {"REDIS_URL": redis_url}
        with gunicorn(f"{name}-busy", args.workers, env) as port:
            status, _ = fetch(port, path)
            if status != 200:
                return {"broken": f"{path} ({status})"}
            url = f"http://127.0.0.1:{port}{path}"
            print("  wrk /book/<service>/ with Redis, quiet ...", flush=True)
            warm_up(port, url, **load)
            quiet = run_wrk(url, seconds=args.duration, **load)
            print(
                f"  wrk /book/<service>/ with Redis, one booking a second for {BUSY_SECONDS} s ..."
            )
            with open(log_dir() / f"booker-{name}.log", "w") as log:
                booker = _start_booker(env, service, log)
                try:
                    busy = run_wrk(url, seconds=BUSY_SECONDS, **load)
                finally:
                    booked = _finish_booker(booker)
    for figures in (quiet, busy):
        figures["miss_share"] = miss_share(figures)
    return {"quiet": quiet, "busy": busy, "booked": booked, "seconds": BUSY_SECONDS}


def add_busy_ratios(busy: dict, hello_rps: float | None) -> None:
    for key in ("quiet", "busy"):
        if key in busy:
            busy[key]["ratio"] = busy[key]["rps"] / hello_rps if hello_rps else None


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def print_busy(busy: dict, baseline: str) -> None:
    print(f"\nBusy clinic: /book/<service>/ cached, gunicorn and a booking process sharing a "
          f"throwaway Redis; {busy.get('seconds', BUSY_SECONDS)} s of load")  # fmt: skip
    if "skipped" in busy or "broken" in busy:
        print(f"  skipped: {busy.get('skipped') or busy['broken'] + ' did not answer 200'}")
        return
    print(
        f"  {'run':<34}{'req/s':>8}{f'× {baseline}':>9}{'p50 ms':>8}{'p99 ms':>8}{'cold share':>12}"
    )
    for key, label in (("quiet", "quiet"), ("busy", "one booking a second")):
        row = busy[key]
        ratio = f"{row['ratio']:.0%}" if row.get("ratio") is not None else "n/a"
        print(f"  {label:<34}{row['rps']:>8.0f}{ratio:>9}{row['p50_ms']:>8.1f}"
              f"{row['p99_ms']:>8.1f}{_share(row['miss_share']):>12}")  # fmt: skip
    booked = busy["booked"]
    if "error" in booked:
        print(f"  bookings: {booked['error']}")
        return
    print(
        f"  bookings: {booked['made']} made, {booked['refused']} refused, "
        f"median {booked['median_ms']:.0f} ms each; the schedule version in Redis moved "
        f"{booked['bumps']} times; cold share = answers marked X-Free-Times-Cache: miss"
    )


# --- The booking process ----------------------------------------------------------------------


def _book_one(number: int, service, therapists, rng) -> tuple[str, float]:
    from django.utils import timezone

    from bookings.models import BookingPolicy
    from bookings.refusals import BookingError
    from bookings.schedules import find_slots
    from bookings.services import booking_create
    from bookings.times import clinic_tz

    now = timezone.now()
    therapist = rng.choice(therapists)
    first = now.astimezone(clinic_tz()).date()
    slots = find_slots(
        service, therapist, first, first + timedelta(days=13), now=now, policy=BookingPolicy.load()
    )
    if not slots:
        return "refused", 0.0
    started = time.perf_counter()
    try:
        booking_create(
            service=service,
            therapist=therapist,
            start=rng.choice(slots).start,
            name=f"Busy Client {number}",
            email=f"busy{number}@example.com",
            phone="(406) 555-0100",
            now=now,
        )
    except BookingError:
        return "refused", time.perf_counter() - started
    return "made", time.perf_counter() - started


def book_main(seconds: int, service_slug: str) -> int:
    import statistics

    import django

    django.setup()
    from django.core.cache import cache

    from bookings.models import Service, Therapist
    from clinic.cache import SCHEDULE_VERSION_KEY

    service = Service.objects.get(slug=service_slug)
    therapists = list(Therapist.objects.offering(service).order_by("pk"))
    rng = random.Random(18)
    version = cache.get(SCHEDULE_VERSION_KEY)
    print("BUSY_READY", flush=True)
    started = time.monotonic()
    outcomes, times = {"made": 0, "refused": 0}, []
    for number in range(seconds):
        # Half a second into each second, so every booking falls inside wrk's run.
        time.sleep(max(0.0, started + number + 0.5 - time.monotonic()))
        outcome, took = _book_one(number, service, therapists, rng)
        outcomes[outcome] += 1
        times.append(took)
    after = cache.get(SCHEDULE_VERSION_KEY)
    bumps = after - version if isinstance(after, int) and isinstance(version, int) else None
    median_ms = statistics.median(times) * 1000 if times else 0.0
    print("BUSY_JSON " + json.dumps({**outcomes, "median_ms": median_ms, "bumps": bumps}))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="make bench's booking process")
    parser.add_argument("--book", action="store_true", required=True)
    parser.add_argument("--seconds", type=int, default=BUSY_SECONDS)
    parser.add_argument("--service", required=True)
    options = parser.parse_args()
    sys.exit(book_main(options.seconds, options.service))
