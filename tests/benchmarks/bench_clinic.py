"""make bench, one database: availability in-process, the site under wrk behind gunicorn
(free times cached, then cold), a busy clinic, then the availability engine's scaling.

Run by scripts/bench.sh with DATABASE_URL pointing at a fresh, empty database:

    python -m tests.benchmarks.bench_clinic --label SQLite --json results.json

Ratios are to /bench/hello, a Django view without middleware (or, while it is not routed, to
/bench/bare, said so in the output). "Cold" is a second gunicorn with
CLINIC_FREE_TIMES_CACHE=0: every free-times answer computed. Prints the figures with
PASS/MISS against the targets. Exits non-zero only when something is broken (a page that does
not answer 200), never because of timing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

# What the benchmark's processes run with: production settings, the baseline views switched
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

from tests.benchmarks.bench_http import (  # after the environment it reads
    CACHE_HEADER,
    fetch,
    gunicorn,
    mean_of,
    miss_share,
    run_wrk,
    warm_up,
)
from tests.benchmarks.bench_report import target_text

# Pages served by a handler of their own (clinic/bench.py), which the test client does not
# go through: no in-process figures.
OWN_HANDLERS = ("hello", "stock")
AVAILABILITY_DAYS = 30
ROOMS_MAX_RATIO = 1.5
AVAILABILITY_RUNS = 11
# Constant whatever the days and therapists: policy, therapists, hours, time off, closures,
# bookings, and the rooms (suitable rooms, room closures, preferred rooms).
AVAILABILITY_MAX_QUERIES = 9
AVAILABILITY_MAX_MS = 30.0
PAGE_RUNS = 15
HELLO = "/bench/hello"
HELLO_MISSING = (
    "/bench/hello (a Django view without middleware) is not routed yet: ratios are to "
    "/bench/bare (the whole middleware stack) instead, so its row is about 100% by definition."
)
COLD_ENV = {"CLINIC_FREE_TIMES_CACHE": "0"}
FREE_TIME_PAGES = ("api", "api_any", "api_day", "book")


def main() -> int:
    args = parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("bench: set DATABASE_URL to a fresh database (scripts/bench.sh does).")
        return 2

    import django

    django.setup()
    from django.db import connections

    results = {"label": args.label, "seconds": {}}
    broken: list[str] = []
    with phase(results, "in-process"):
        seeded, pages, queries = in_process_part(args, results)
    connections.close_all()
    with phase(results, "HTTP"):
        broken += http_part(pages, queries, args, results)
    with phase(results, "busy"):
        broken += busy_part(seeded, pages, args, results)
    connections.close_all()
    with phase(results, "scaling"):
        scaling_part(results)
    took = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in results["seconds"].items())
    print(f"\n{args.label} took {sum(results['seconds'].values()):.0f} s: {took}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    if broken:
        print(f"\nbench: these pages did not answer 200: {', '.join(broken)}")
        return 1
    return 0


@contextlib.contextmanager
def phase(results: dict, name: str):
    started = time.monotonic()
    try:
        yield
    finally:
        results["seconds"][name] = time.monotonic() - started


def in_process_part(args, results: dict):
    """Migrate and seed; the availability engine and each page's queries in-process."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tests.benchmarks.bench_seed import DAYS, seed_bench_clinic

    print(f"\n=== {args.label}: migrating and seeding a fresh database ===", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    seeded = seed_bench_clinic(now=timezone.now())
    pages = bench_pages(seeded)
    results["setup"] = describe_setup(args, connection, seeded, DAYS)
    results["availability"] = availability_figures(seeded)
    queries = page_queries([page for page in pages if page["key"] not in OWN_HANDLERS])
    print_availability(results)
    print_rooms_and_plans(results)
    return seeded, pages, queries


def http_part(pages, queries, args, results: dict) -> list[str]:
    http, broken, notes = http_figures(pages, args)
    results["baseline"] = baseline_of(http)
    results["pages"] = [
        {**page, **http[page["key"]], **queries.get(page["key"], {})} for page in pages
    ]
    add_ratios(results["pages"], results["baseline"]["rps"])
    results["notes"] = notes + check_cache_headers(results["pages"])
    print_pages(results)
    return broken


def busy_part(seeded, pages, args, results: dict) -> list[str]:
    from tests.benchmarks.bench_busy import add_busy_ratios, busy_figures, print_busy

    book = next(page for page in pages if page["key"] == "book")
    busy = results["busy"] = busy_figures(book["path"], seeded["service"].slug, args)
    add_busy_ratios(busy, results["baseline"]["rps"])
    print_busy(busy, results["baseline"]["key"] or "baseline")
    return [busy["broken"] + " (busy run)"] if "broken" in busy else []


def scaling_part(results: dict) -> None:
    from django.utils import timezone

    from tests.benchmarks.bench_scaling import print_scaling, scaling_figures

    print("\n  scaling: 50 more therapists, in a transaction rolled back after ...", flush=True)
    results["scaling"] = scaling_figures(now=timezone.now())
    print_scaling(results["scaling"])


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help="the database's name in the tables")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 2)))
    parser.add_argument(
        "--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 16))
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    return parser.parse_args()


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
        "beside": {"seconds": HELLO_BESIDE_SECONDS, "rounds": BESIDE_ROUNDS},
    }


def _first_working_day(therapist, today):
    weekdays = set(therapist.hours.values_list("weekday", flat=True))
    days = (today + timedelta(days=n) for n in range(1, 8))
    return next((day for day in days if day.weekday() in weekdays), today + timedelta(days=1))


def bench_pages(seeded) -> list[dict]:
    """The pages measured, in order. `target`: the least req/s as a share of hello's with
    free times cached; `measure_cold`: measured again with every free-times answer computed, against
    `target_cold`."""
    from django.utils import timezone

    from articles.models import Article
    from bookings.models import Booking
    from bookings.times import clinic_tz

    service = seeded["service"].slug
    therapist = seeded["therapists"][0]
    day = _first_working_day(therapist, timezone.now().astimezone(clinic_tz()).date())
    article = Article.objects.published(timezone.now()).order_by("-published_at").first()
    booking = Booking.objects.active().filter(start__gt=timezone.now() + timedelta(days=3)).first()
    api = f"/api/availability?service={service}&days={AVAILABILITY_DAYS}&therapist="
    api_day = f"/api/availability?service={service}&days=1&therapist={therapist.slug}&start={day}"
    content = 0.50
    pages = [
        ("hello", "/bench/hello (no middleware)", HELLO, None, True, None),
        ("bare", "/bench/bare (all middleware)", "/bench/bare", 0.80, True, 0.80),
        ("stock", "/bench/stock (Django's default 7)", "/bench/stock", None, False, None),
        ("api", "/api/availability, 1 therapist, 30 d", api + therapist.slug, 0.15, False, None),
        ("api_any", "/api/availability, any of 5, 30 d", api + "any", None, True, 0.10),
        ("api_day", "/api/availability, 1 therapist, 1 d", api_day, None, True, None),
        ("book", "/book/<service>/", f"/book/{service}/", 0.20, True, 0.10),
        ("home", "home /", "/", content, False, None),
        ("services", "/services/", "/services/", content, False, None),
        ("therapists", "/therapists/", "/therapists/", content, False, None),
        ("articles", "/articles/", "/articles/", content, False, None),
        ("article", "/articles/<slug>/", article.get_absolute_url(), content, False, None),
        ("manage", "/bookings/<token>/", booking.manage_path(), 0.25, True, 0.25),
    ]
    keys = ("key", "name", "path", "target", "measure_cold", "target_cold")
    return [dict(zip(keys, page, strict=True)) for page in pages]


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
            "queries_empty": measured[0],
            "queries_repeat": measured[1],
            "inprocess_status": response.status_code,
            "inprocess_ms": statistics.median(times) * 1000,
        }
    cache.clear()
    return counts


# --- Over HTTP: gunicorn and wrk, free times cached and cold ------------------------------------


def _measure(port: int, page: dict, mode: str, args, found: dict, broken: list) -> None:
    """One page on one server: a 1 s warm-up, then the measured run into found[key][mode]."""
    status, _ = fetch(port, page["path"])
    if status != 200:
        if page["key"] != "hello":  # hello missing is a note, not a broken page
            broken.append(f"{page['path'].split('?')[0]} ({status}, {mode})")
        return
    url = f"http://127.0.0.1:{port}{page['path']}"
    print(f"  wrk {page['name']} ({mode}) ...", flush=True)
    warm_up(port, url, threads=args.threads, connections=args.connections)
    figures = run_wrk(
        url, seconds=args.duration, threads=args.threads, connections=args.connections
    )
    found[page["key"]][mode] = figures


def http_figures(pages, args) -> tuple[dict, list[str], list[str]]:
    """Every page on a normal gunicorn ("cached"), then the cold ones on a gunicorn with
    CLINIC_FREE_TIMES_CACHE=0; hello first of all and last of all, and a short hello run
    between any two pages (`_beside`)."""
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed (scripts/bench.sh installs it).")
    found = {page["key"]: {} for page in pages}
    broken, notes = [], []
    name = args.label.lower()
    hello = next(page for page in pages if page["key"] == "hello")
    with gunicorn(name, args.workers) as port:
        for page in pages:
            _measure(port, page, "cached", args, found, broken)
        _beside(port, [p for p in pages if p is not hello], "cached", args, found)
    cold = [page for page in pages if page["measure_cold"] and page is not hello]
    with gunicorn(f"{name}-cold", args.workers, COLD_ENV) as port:
        for page in [*cold, hello]:
            _measure(port, page, "cold", args, found, broken)
        _beside(port, cold, "cold", args, found)
    if not found["hello"]:
        print(f"  bench: {HELLO_MISSING}")
        notes.append(HELLO_MISSING)
    return found, broken, notes


# Each page's ratio is to hello measured just before and just after it, in turns, so that a
# machine whose speed drifts during the run (a shared one does) moves both alike; the turns
# go round BESIDE_ROUNDS times and the median ratio counts, so one slow moment decides nothing.
HELLO_BESIDE_SECONDS = 2
BESIDE_ROUNDS = 5


def _beside(port: int, pages: list[dict], mode: str, args, found: dict) -> None:
    """The pages again, in turn with short hello runs: hello, page, hello, page, ..., hello,
    BESIDE_ROUNDS times. Each page's `beside` holds the median over the rounds of its req/s
    over hello's mean of the runs either side; `beside_runs`, each round's."""
    if not found["hello"].get(mode):
        return
    hello_url = f"http://127.0.0.1:{port}{HELLO}"

    def rps_of(url: str) -> float:
        return run_wrk(
            url, seconds=HELLO_BESIDE_SECONDS, threads=args.threads, connections=args.connections
        )["rps"]

    measured = [page for page in pages if mode in found[page["key"]]]
    ratios: dict[str, list[float]] = {page["key"]: [] for page in measured}
    print(f"  wrk each page beside hello ({mode}, {BESIDE_ROUNDS} rounds) ...", flush=True)
    before = rps_of(hello_url)
    for _ in range(BESIDE_ROUNDS):
        for page in measured:
            rps = rps_of(f"http://127.0.0.1:{port}{page['path']}")
            after = rps_of(hello_url)
            ratios[page["key"]].append(rps / ((before + after) / 2))
            before = after
    for key, runs in ratios.items():
        found[key][mode]["beside"] = statistics.median(runs)
        found[key][mode]["beside_runs"] = runs


def baseline_of(found: dict) -> dict:
    """What the ratios divide by: hello's req/s, its runs at the start and the end averaged;
    without hello, bare's (its run on each server)."""
    for key in ("hello", "bare"):
        runs = [found[key][mode] for mode in ("cached", "cold") if mode in found[key]]
        if runs:
            path = HELLO if key == "hello" else "/bench/bare"
            return {"key": key, "path": path, **mean_of(runs)}
    return {"key": None, "path": None, "rps": None}


def add_ratios(pages: list[dict], baseline_rps: float | None) -> None:
    """Each page's ratio: to hello either side of it (`_beside`) where measured, else to
    the run's baseline."""
    for page in pages:
        for mode in ("cached", "cold"):
            if mode in page:
                rps = page[mode]["rps"]
                overall = rps / baseline_rps if baseline_rps else None
                page[mode]["ratio"] = page[mode].get("beside", overall)
                page[mode]["miss_share"] = miss_share(page[mode])
        page["verdict"] = page_verdict(page)


def page_verdict(page: dict) -> str:
    """PASS when every target with a figure is met; MISS (cold) when only that one is not."""
    checked, missed = 0, []
    for mode, key in (("cached", "target"), ("cold", "target_cold")):
        ratio = page.get(mode, {}).get("ratio")
        if page[key] is None or ratio is None:
            continue
        checked += 1
        if ratio < page[key]:
            missed.append(mode)
    if not checked:
        return ""
    if not missed:
        return "PASS"
    return "MISS" if len(missed) == checked else f"MISS ({missed[0]})"


def check_cache_headers(pages: list[dict]) -> list[str]:
    """The harness checking itself: cached free times must be hits, cold ones never."""
    notes = []
    for page in pages:
        if page["key"] not in FREE_TIME_PAGES:
            continue
        cached, cold = page.get("cached"), page.get("cold")
        if cached and not cached["cache_hits"]:
            notes.append(f"{page['name']}: no answer said '{CACHE_HEADER}: hit' with the cache on.")
        if cold and cold["cache_hits"]:
            notes.append(
                f"{page['name']}: {cold['cache_hits']} cold answers came from the cache; "
                "CLINIC_FREE_TIMES_CACHE=0 did not reach the server."
            )
    for note in notes:
        print(f"  bench: {note}")
    return notes


# --- Tables ----------------------------------------------------------------------------------


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


def rps_text(figures: dict | None) -> str:
    """req/s (x baseline), or a dash where not measured."""
    if not figures:
        return "—"
    ratio = f"{figures['ratio']:.0%}" if figures.get("ratio") is not None else "n/a"
    return f"{figures['rps']:.0f} ({ratio})"


def latency_text(page: dict) -> str:
    return " · ".join(latency_of(page[mode]) for mode in ("cached", "cold") if page.get(mode))


def latency_of(figures: dict) -> str:
    if not figures["requests"]:
        return "none answered"
    return f"{figures['p50_ms']:.1f}/{figures['p99_ms']:.1f}"


def errors_text(page: dict) -> str:
    notes = []
    for mode in ("cached", "cold"):
        figures = page.get(mode)
        if figures and (figures["bad_status"] or figures["socket_errors"]):
            notes.append(
                f"! {mode}: {figures['bad_status']} non-2xx, "
                f"{figures['socket_errors']} socket errors"
            )
    return "  ".join(notes)


def print_pages(results: dict) -> None:
    setup, baseline = results["setup"], results["baseline"]
    print(
        f"\nHTTP: gunicorn {setup['gunicorn']}, {setup['workers']} sync workers, DEBUG off; "
        f"{setup['load']} per page after a 1 s warm-up ({setup['wrk']}).\n"
        f"cached = normal settings; cold = a second gunicorn with CLINIC_FREE_TIMES_CACHE=0 "
        f"(every free-times answer computed). Ratios (×) are to {baseline['path']}, run in\n"
        f"turns with each page (hello, page, hello), the median of {BESIDE_ROUNDS} rounds; "
        "req/s: the page's own run. p50/p99 ms: "
        "cached · cold. queries: in-process on an "
        f"empty cache / repeated; in-proc: median of {PAGE_RUNS} repeated requests (test client)"
    )
    x = f"× {baseline['key'] or 'n/a'}"
    header = (
        f"  {'page':<38}{'target':<20}{f'cached req/s ({x})':>22}{f'cold req/s ({x})':>22}"
        f"  {'p50/p99 ms':<30}{'verdict':<14}{'queries':>8}{'in-proc':>10}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for page in results["pages"]:
        if not page.get("cached") and not page.get("cold"):
            missing = "(not routed yet)" if page["key"] == "hello" else "(not measured)"
            print(f"  {page['name']:<38}{target_text(page, gap=''):<20}{missing:>22}")
            continue
        queries = ""
        if "queries_empty" in page:
            queries = f"{page['queries_empty']}/{page['queries_repeat']}"
        inproc = f"{page['inprocess_ms']:.1f} ms" if "inprocess_ms" in page else ""
        print(
            f"  {page['name']:<38}{target_text(page, gap=''):<20}{rps_text(page.get('cached')):>22}"
            f"{rps_text(page.get('cold')):>22}  {latency_text(page):<30}{page['verdict']:<14}"
            f"{queries:>8}{inproc:>10}  {errors_text(page)}".rstrip()
        )
    runs = " and ".join(f"{rps:.0f}" for rps in baseline.get("rps_runs", []))
    print(f"  baseline {baseline['path']}: {baseline['rps'] or 0:.0f} req/s (mean of {runs})")
    for note in results["notes"]:
        print(f"  note: {note}")


if __name__ == "__main__":
    sys.exit(main())
