"""make bench, one database: availability in-process, then the site under wrk behind gunicorn.

Run by scripts/bench.sh with DATABASE_URL pointing at a fresh, empty database:

    python -m tests.benchmarks.bench_clinic --label SQLite --json results.json

Prints the figures with PASS/MISS against the targets. Exits non-zero only when something is
broken (a page that does not answer 200), never because of timing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LUA = Path(__file__).with_name("wrk_report.lua")

# What the benchmark's processes run with: production settings, the baseline view switched
# on, and the per-address rate limits lifted (wrk sends everything from one address; the
# limiter's counting still runs on every request).
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "CLINIC_BENCH": "1",
        "RATE_LIMIT_BOOKING": "1000000000",
        "RATE_LIMIT_LOOKUP": "1000000000",
        # In this process only: Django's test client calls itself "testserver".
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
    }
)
# Production sits behind a TLS proxy that says so; without the header every page redirects.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

AVAILABILITY_DAYS = 30
ROOMS_MAX_RATIO = 1.5
AVAILABILITY_RUNS = 11
# Constant whatever the days and therapists: policy, therapists, hours, time off, closures,
# bookings, and the rooms (suitable rooms, room closures, preferred rooms).
AVAILABILITY_MAX_QUERIES = 9
AVAILABILITY_MAX_MS = 30.0
PAGE_RUNS = 15


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help="the database's name in the tables")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 2)))
    parser.add_argument(
        "--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 16))
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("bench: set DATABASE_URL to a fresh database (scripts/bench.sh does).")
        return 2

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    print(f"\n=== {args.label}: migrating and seeding a fresh database ===", flush=True)
    call_command("migrate", interactive=False, verbosity=0)

    from django.utils import timezone

    from tests.benchmarks.bench_seed import DAYS, seed_bench_clinic

    seeded = seed_bench_clinic(now=timezone.now())
    pages = bench_pages(seeded)
    results = {
        "label": args.label,
        "setup": describe_setup(args, connection, seeded, DAYS),
        "availability": availability_figures(seeded),
        "pages": [],
    }
    queries = page_queries(pages)
    connections.close_all()

    print_availability(results)
    print_rooms_and_plans(results)
    http_results, broken = http_figures(pages, args)
    for page in pages:
        figures = http_results.get(page["key"], {})
        results["pages"].append({**page, **figures, **queries[page["key"]]})
    add_ratios(results["pages"])
    print_pages(results, args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    if broken:
        print(f"\nbench: these pages did not answer 200: {', '.join(broken)}")
        return 1
    return 0


def describe_setup(args, connection, seeded, days) -> dict:
    import django
    import gunicorn

    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        server = f"PostgreSQL {major}.{minor}"
    else:
        import sqlite3

        server = f"SQLite {sqlite3.sqlite_version}"
    wrk = shutil.which("wrk")
    wrk_version = (
        subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        if wrk
        else "wrk not installed"
    )
    return {
        "database": server,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.__version__,
        "gunicorn": gunicorn.__version__,
        "wrk": " ".join(wrk_version.split()[:2]),
        "therapists": len(seeded["therapists"]),
        "bookings": seeded["bookings"],
        "booking_days": days,
        "workers": args.workers,
        "load": f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s",
    }


def bench_pages(seeded) -> list[dict]:
    from django.utils import timezone

    from articles.models import Article
    from bookings.models import Booking

    service = seeded["service"].slug
    therapist = seeded["therapists"][0].slug
    article = Article.objects.published(timezone.now()).order_by("-published_at").first()
    booking = Booking.objects.active().filter(start__gt=timezone.now() + timedelta(days=3)).first()
    api = f"/api/availability?service={service}&days={AVAILABILITY_DAYS}&therapist="
    content = 0.50
    return [
        {"key": "bare", "name": "bare Django view", "path": "/bench/bare", "target": None},
        {"key": "api", "name": "/api/availability, 1 therapist, 30 d", "path": api + therapist,
         "target": 0.15},
        {"key": "api_any", "name": "/api/availability, any of 5, 30 d", "path": api + "any",
         "target": None},
        {"key": "book", "name": "/book/<service>/", "path": f"/book/{service}/", "target": 0.20},
        {"key": "home", "name": "home /", "path": "/", "target": content},
        {"key": "services", "name": "/services/", "path": "/services/", "target": content},
        {"key": "therapists", "name": "/therapists/", "path": "/therapists/", "target": content},
        {"key": "articles", "name": "/articles/", "path": "/articles/", "target": content},
        {"key": "article", "name": "/articles/<slug>/", "path": article.get_absolute_url(),
         "target": content},
        {"key": "manage", "name": "/bookings/<token>/", "path": booking.manage_path(),
         "target": None},
    ]  # fmt: skip


# --- In-process: the availability engine with its loading, and queries per page -------------


def availability_figures(seeded) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bookings.models import BookingPolicy
    from bookings.schedules import find_slots
    from bookings.times import clinic_tz
    from tests.benchmarks.bench_seed import set_rooms_in_use

    policy = BookingPolicy.load()
    now = timezone.now()
    first = now.astimezone(clinic_tz()).date()
    last = first + timedelta(days=AVAILABILITY_DAYS - 1)
    service = seeded["service"]
    figures = {}
    runs = [
        ("one", seeded["therapists"][0], True),
        ("all", None, True),
        ("all_no_rooms", None, False),
    ]
    for key, therapist, rooms in runs:
        set_rooms_in_use(rooms)
        find_slots(service, therapist, first, last, now=now, policy=policy)  # warm-up
        times, counts = [], set()
        for _ in range(AVAILABILITY_RUNS):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                slots = find_slots(service, therapist, first, last, now=now, policy=policy)
                times.append(time.perf_counter() - started)
            counts.add(len(captured.captured_queries))
        figures[key] = {
            "queries": max(counts),
            "ms": statistics.median(times) * 1000,
            "slots": len(slots),
            "therapists": 1 if therapist else len(seeded["therapists"]),
        }
        figures[key]["verdict"] = availability_verdict(figures[key]) if key == "all" else ""
    set_rooms_in_use(True)
    figures["rooms_ratio"] = figures["all"]["ms"] / figures["all_no_rooms"]["ms"]
    figures["series"] = series_figures(seeded, now=now)
    return figures


def series_figures(seeded, *, now) -> dict:
    """A six-week care plan booked in one transaction (rolled back after each run)."""
    from django.db import transaction

    from bookings.care_plans import plan_dates, series_create
    from bookings.models import BookingPolicy
    from bookings.refusals import BookingError
    from bookings.schedules import find_slots as free
    from bookings.times import clinic_tz

    service, therapist = seeded["service"], seeded["therapists"][0]
    first = (now + timedelta(days=2)).astimezone(clinic_tz()).date()
    slots = free(
        service, therapist, first, first + timedelta(days=6), now=now, policy=BookingPolicy.load()
    )
    times = []
    for slot in slots[:AVAILABILITY_RUNS]:
        with transaction.atomic():
            started = time.perf_counter()
            try:
                series_create(
                    service=service,
                    therapist=therapist,
                    starts=plan_dates(slot.start, every=1, count=6),
                    every_weeks=1,
                    name="Bench Plan",
                    email="plan@example.com",
                    phone="(406) 555-0100",
                    now=now,
                )
            except BookingError:
                continue  # a later date is taken: this start makes no plan
            else:
                times.append(time.perf_counter() - started)
            finally:
                transaction.set_rollback(True)
    return {"ms": statistics.median(times) * 1000 if times else None, "runs": len(times)}


def page_queries(pages) -> dict[str, dict]:
    """Queries per page through Django's test client: first request on an empty cache, then
    the same request again (what content-page caching saves); and the median time per request
    in-process."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in pages:
        cache.clear()
        measured = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = Client().get(page["path"], secure=True)
            measured.append(len(captured.captured_queries))
        # Time per request without HTTP or a competing load generator: a steadier figure
        # than req/s on a small machine. One client, so its middleware is set up once.
        client = Client()
        client.get(page["path"], secure=True)
        times = []
        for _ in range(PAGE_RUNS):
            started = time.perf_counter()
            client.get(page["path"], secure=True)
            times.append(time.perf_counter() - started)
        counts[page["key"]] = {
            "queries_cold": measured[0],
            "queries_warm": measured[1],
            "inprocess_status": response.status_code,
            "inprocess_ms": statistics.median(times) * 1000,
        }
    cache.clear()
    return counts


# --- Over HTTP: gunicorn and wrk ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=PROXY_HEADERS)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def start_gunicorn(port: int, workers: int, log) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    command = [sys.executable, "-m", "gunicorn", "clinic.wsgi"]
    command += ["--config", str(ROOT / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: gunicorn exited with {process.returncode}; see {log.name}")
        try:
            if fetch(port, "/healthz") == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"bench: gunicorn did not answer /healthz within 30 s; see {log.name}")


def run_wrk(url: str, *, seconds: int, threads: int, connections: int) -> dict:
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
    }


def average(first: dict, second: dict) -> dict:
    combined = {key: (first[key] + second[key]) / 2 for key in ("rps", "p50_ms", "p99_ms")}
    for key in ("requests", "bad_status", "socket_errors"):
        combined[key] = first[key] + second[key]
    combined["rps_runs"] = [first["rps"], second["rps"]]
    return combined


def http_figures(pages, args) -> tuple[dict, list[str]]:
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed (scripts/bench.sh installs it).")
    port = free_port()
    log_dir = Path(os.environ.get("BENCH_LOG_DIR") or ROOT / "artifacts" / "bench")
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"gunicorn-{args.label.lower()}.log"
    results, broken = {}, []
    with open(log_path, "w") as log:
        server = start_gunicorn(port, args.workers, log)
        try:
            for page in pages:
                status = fetch(port, page["path"])
                if status != 200:
                    broken.append(f"{page['path'].split('?')[0]} ({status})")
                    if page["key"] == "bare":
                        print(
                            "bench: /bench/bare is missing, so no ratios: add the bench view "
                            "(clinic/views.py bench_bare, routed in clinic/urls.py when "
                            "CLINIC_BENCH=1)."
                        )
                    continue
                url = f"http://127.0.0.1:{port}{page['path']}"
                print(f"  wrk {page['name']} ...", flush=True)
                run_wrk(url, seconds=1, threads=args.threads, connections=args.connections)
                results[page["key"]] = run_wrk(
                    url, seconds=args.duration, threads=args.threads, connections=args.connections
                )
            if "bare" in results:
                # The baseline again at the end, so a slow start or a drift over the run does
                # not skew every ratio: the two runs are averaged.
                print("  wrk bare Django view, again ...", flush=True)
                again = run_wrk(
                    f"http://127.0.0.1:{port}/bench/bare",
                    seconds=args.duration,
                    threads=args.threads,
                    connections=args.connections,
                )
                results["bare"] = average(results["bare"], again)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return results, broken


# --- Tables ----------------------------------------------------------------------------------


def add_ratios(pages: list[dict]) -> None:
    bare = next((p.get("rps") for p in pages if p["key"] == "bare"), None)
    for page in pages:
        page["ratio"] = page["rps"] / bare if bare and page.get("rps") else None
        if page["target"] is None or page["ratio"] is None:
            page["verdict"] = ""
        else:
            page["verdict"] = "PASS" if page["ratio"] >= page["target"] else "MISS"


def availability_verdict(figures: dict) -> str:
    ok = figures["queries"] <= AVAILABILITY_MAX_QUERIES and figures["ms"] < AVAILABILITY_MAX_MS
    return "PASS" if ok else "MISS"


def print_availability(results: dict) -> None:
    setup = results["setup"]
    print(
        f"\n{results['label']} ({setup['database']}): {setup['therapists']} therapists, "
        f"{setup['bookings']} bookings over the next {setup['booking_days']} days; "
        f"{setup['cpus']} CPUs, Python {setup['python']}, Django {setup['django']}"
    )
    print(
        f"\nAvailability in-process (bookings.schedules.find_slots, {AVAILABILITY_DAYS} days, "
        f"median of {AVAILABILITY_RUNS} runs)"
    )
    print(f"  {'therapists':<16}{'queries':>8}{'time':>11}{'slots':>8}   target")
    for key, label in [("one", "one"), ("all", "all five"), ("all_no_rooms", "all, no rooms")]:
        figures = results["availability"][key]
        target = ""
        if key == "all":
            target = (
                f"<= {AVAILABILITY_MAX_QUERIES} queries, < {AVAILABILITY_MAX_MS:.0f} ms   "
                + availability_verdict(figures)
            )
        print(
            f"  {label:<16}{figures['queries']:>8}{figures['ms']:>8.1f} ms"
            f"{figures['slots']:>8}   {target}"
        )


def print_rooms_and_plans(results: dict) -> None:
    figures = results["availability"]
    ratio = figures["rooms_ratio"]
    verdict = "PASS" if ratio <= ROOMS_MAX_RATIO else "MISS"
    print(
        f"\nRooms: all five therapists with rooms take {ratio:.2f}x the time without "
        f"(target <= {ROOMS_MAX_RATIO}x)   {verdict}"
    )
    series = figures["series"]
    if series["ms"] is not None:
        print(
            f"Care plan: six dates booked in one transaction, {series['ms']:.1f} ms "
            f"(median of {series['runs']})"
        )


def print_pages(results: dict, args) -> None:
    setup = results["setup"]
    print(
        f"\nHTTP: gunicorn {setup['gunicorn']}, {setup['workers']} sync workers, DEBUG off; "
        f"{setup['load']} per page after a 1 s warm-up ({setup['wrk']}); the bare view is\n"
        "measured first and last and averaged; "
        "in-process with Django's test client: queries on an empty cache / repeated, and the "
        f"median time of {PAGE_RUNS} repeated requests"
    )
    header = (
        f"  {'page':<38}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'x bare':>8}"
        f"{'target':>8}  {'':<5}{'queries':>9}{'in-proc':>9}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for page in results["pages"]:
        if "rps" not in page:
            print(f"  {page['name']:<38}{'(not measured)':>16}")
            continue
        ratio = f"{page['ratio']:.0%}" if page["ratio"] is not None else "n/a"
        target = f">={page['target']:.0%}" if page["target"] else ""
        queries = f"{page['queries_cold']}/{page['queries_warm']}"
        note = ""
        if page["bad_status"] or page["socket_errors"]:
            note = f"  ! {page['bad_status']} non-2xx, {page['socket_errors']} socket errors"
        if page.get("rps_runs"):
            note += "  (mean of " + " and ".join(f"{r:.0f}" for r in page["rps_runs"]) + ")"
        print(
            f"  {page['name']:<38}{page['rps']:>8.0f}{page['p50_ms']:>8.1f}{page['p99_ms']:>8.1f}"
            f"{ratio:>8}{target:>8}  {page['verdict']:<5}{queries:>9}"
            f"{page['inprocess_ms']:>6.1f} ms{note}"
        )


if __name__ == "__main__":
    sys.exit(main())
