"""make bench, last step: the figures of every database side by side, as Markdown tables.

python -m tests.benchmarks.bench_report artifacts/bench/sqlite.json artifacts/bench/pg.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.benchmarks.bench_scaling import DAYS, PAST_MAX_CHANGE, TARGETS_MS, THERAPISTS

CAVEAT = (
    "Absolute req/s and ms vary between machines, and between runs on a busy one: compare the "
    "ratios (to the hello view in the same run, to the calibration loop timed beside the "
    "in-process runs) rather than the raw figures."
)


def main(paths: list[str]) -> int:
    runs = [json.loads(Path(path).read_text()) for path in paths if Path(path).exists()]
    if not runs:
        print("bench: no results to report.")
        return 1
    print("\n=== Summary (Markdown, for the README) ===\n")
    print_intro(runs)
    print_availability(runs)
    print_pages(runs)
    print_page_queries(runs)
    print_busy(runs)
    print_scaling(runs)
    return 0


def _row(*cells) -> None:
    print("| " + " | ".join(str(cell) for cell in cells) + " |")


def _rule(columns: int) -> None:
    print("|" + " --- |" * columns)


def _baseline(run: dict) -> str:
    return (run.get("baseline") or {}).get("key") or "n/a"


def print_intro(runs: list[dict]) -> None:
    setup = runs[0]["setup"]
    beside = setup.get("beside", {"seconds": 2, "rounds": 3})  # runs from before it was kept
    print(
        f"{setup['therapists']} therapists, {setup['bookings']} bookings over the next "
        f"{setup['booking_days']} days, the demo articles. One machine with {setup['cpus']} "
        f"CPUs running both gunicorn ({setup['workers']} sync workers, DEBUG off) and "
        f"`{setup['load']}` per page after a 1 s warm-up; Python {setup['python']}, Django "
        f"{setup['django']}. Ratios are to `/bench/hello`, a Django view without middleware: "
        f"each page is run again in turns with hello (hello, page, hello, "
        f"{beside['seconds']} s each, {beside['rounds']} rounds) and divided by hello's mean "
        "either side of it, the median of the rounds counting, so that a drift of the "
        "machine's speed during the run moves both alike. *Cached*: normal settings; "
        "*cold*: a second gunicorn with `CLINIC_FREE_TIMES_CACHE=0`, so every free-times "
        "answer is computed.\n"
    )
    print(f"*{CAVEAT}*\n")
    for run in runs:
        if _baseline(run) != "hello":
            print(
                f"**{run['label']}: `/bench/hello` was not routed in this run; its ratios are to "
                f"`/bench/bare` (the whole middleware stack) instead.**\n"
            )
        for note in run.get("notes", []):
            if "/bench/hello" not in note:
                print(f"- {run['label']}: {note}")
    print()


def print_availability(runs: list[dict]) -> None:
    labels = [f"{run['label']} ({run['setup']['database']})" for run in runs]
    _row("availability, 30 days (in-process)", "target", *labels)
    _rule(2 + len(runs))
    for key, label in [("one", "one therapist"), ("all", "all five therapists")]:
        cells = []
        for run in runs:
            figures = run["availability"][key]
            verdict = f" {figures['verdict']}" if figures["verdict"] else ""
            cells.append(f"{figures['queries']} queries, {figures['ms']:.1f} ms{verdict}")
        target = "≤ 9 queries, < 30 ms" if key == "all" else ""
        _row(label, target, *cells)
    print()


def target_text(page: dict, gap: str = " ") -> str:
    """A page's targets as the tables write them ("≥ 25%, cold ≥ 25%"); `gap` after "≥"."""
    if page["key"] == "hello":
        return "baseline"
    if page["key"] == "stock":
        return "comparison"
    parts = [f"≥{gap}{page['target']:.0%}"] if page["target"] is not None else []
    if page["target_cold"] is not None:
        parts.append(f"cold ≥{gap}{page['target_cold']:.0%}")
    return ", ".join(parts) or ("report" if page["measure_cold"] else "")


def _rps(figures: dict | None) -> str:
    if not figures:
        return "—"
    ratio = f"{figures['ratio']:.0%}" if figures.get("ratio") is not None else "n/a"
    errors = " (errors!)" if figures["bad_status"] or figures["socket_errors"] else ""
    return f"{figures['rps']:.0f} ({ratio}){errors}"


def _latency(row: dict) -> str:
    cells = []
    for mode in ("cached", "cold"):
        figures = row.get(mode)
        if not figures:
            continue
        if not figures["requests"]:
            cells.append("none answered")
        else:
            cells.append(f"{figures['p50_ms']:.1f}/{figures['p99_ms']:.1f}")
    return " · ".join(cells)


def print_pages(runs: list[dict]) -> None:
    header = ["page", "target"]
    for run in runs:
        x = f"× {_baseline(run)}"
        header += [
            f"{run['label']}: cached req/s ({x})",
            f"cold req/s ({x})",
            "p50/p99 ms cached · cold",
            "verdict",
        ]
    _row(*header)
    _rule(len(header))
    for index, page in enumerate(runs[0]["pages"]):
        cells = [page["name"], target_text(page)]
        for run in runs:
            row = run["pages"][index]
            if not row.get("cached") and not row.get("cold"):
                missing = "not routed" if row["key"] == "hello" else "not measured"
                cells += [missing, "", "", ""]
                continue
            cells += [_rps(row.get("cached")), _rps(row.get("cold")), _latency(row), row["verdict"]]
        _row(*cells)
    for run in runs:
        baseline = run["baseline"]
        each = " and ".join(f"{rps:.0f}" for rps in baseline.get("rps_runs", []))
        print(
            f"\n{run['label']}: baseline `{baseline['path']}` {baseline['rps'] or 0:.0f} req/s "
            f"(mean of {each})."
        )
    print()


def print_page_queries(runs: list[dict]) -> None:
    header = ["page"]
    for run in runs:
        header += [f"{run['label']}: queries (empty cache / repeat)", "in-process ms"]
    _row(*header)
    _rule(len(header))
    for index, page in enumerate(runs[0]["pages"]):
        if "queries_empty" not in page:  # hello and stock: not through the test client
            continue
        cells = [page["name"]]
        for run in runs:
            row = run["pages"][index]
            cells += [
                f"{row['queries_empty']}/{row['queries_repeat']}",
                f"{row['inprocess_ms']:.1f}",
            ]
        _row(*cells)
    print(
        "\nIn-process: Django's test client, no HTTP; the median of repeated requests, so "
        "cached pages show their cached time.\n"
    )


def print_busy(runs: list[dict]) -> None:
    header = ["busy clinic: /book/<service>/ cached, shared Redis"]
    for run in runs:
        header += [f"{run['label']}: req/s (× {_baseline(run)}), p50/p99 ms", "cold share"]
    _row(*header)
    _rule(len(header))
    for key, label in (("quiet", "quiet"), ("busy", "one booking a second")):
        cells = [label]
        for run in runs:
            busy = run.get("busy") or {}
            if key not in busy:
                cells += [busy.get("skipped") or busy.get("broken") or "not measured", ""]
                continue
            row = busy[key]
            share = "n/a" if row["miss_share"] is None else f"{row['miss_share']:.1%}"
            cells += [f"{_rps(row)}, {row['p50_ms']:.1f}/{row['p99_ms']:.1f}", share]
        _row(*cells)
    print(
        "\nWhile wrk loads the picker, a separate process books a free time once a second "
        "through `bookings.services.booking_create`; gunicorn and it share a throwaway Redis, so "
        "each booking's schedule-version bump reaches every worker. Cold share: answers marked "
        "`X-Free-Times-Cache: miss`."
    )
    for run in runs:
        booked = (run.get("busy") or {}).get("booked")
        if booked and "error" not in booked:
            print(
                f"{run['label']}: {booked['made']} bookings made, {booked['refused']} refused, "
                f"median {booked['median_ms']:.0f} ms each; schedule version bumped "
                f"{booked['bumps']} times."
            )
    print()


def _cell(row: dict) -> str:
    return f"{row['ms']:.1f} ms ({row['x_calibration']:.2f}×), {row['queries']} q"


def _scaling_rows(run: dict) -> dict:
    scaling = run.get("scaling")
    if not scaling:
        return {}
    rows = {(c["therapists"], c["days"]): _cell(c) for c in scaling["cells"]}
    verdicts = scaling["verdicts"]
    for count, days in TARGETS_MS:
        rows[(count, days)] += f" {verdicts[f'{count}x{days}']}"
    past = scaling["past"]
    rows["past"] = (
        f"{past['with']['ms']:.1f} vs {past['without']['ms']:.1f} ms without: "
        f"{past['change']:+.0%} {verdicts['past']}"
    )
    rows["calibration"] = f"{scaling['calibration_ms']:.1f} ms"
    counts = sorted({n for c in scaling["cells"] for n in c["query_counts"]})
    rows["queries"] = f"{'/'.join(map(str, counts))} {verdicts['queries']}"
    return rows


def print_scaling(runs: list[dict]) -> None:
    _row("in-process, cold find_slots", "target", *(f"{run['label']}" for run in runs))
    _rule(2 + len(runs))
    tables = [_scaling_rows(run) for run in runs]
    for count in THERAPISTS:
        for days in DAYS:
            limit = TARGETS_MS.get((count, days))
            target = f"≤ {limit:.0f} ms" if limit else ""
            label = f"{count} therapist{'s' if count > 1 else ''} × {days} days"
            _row(label, target, *(table.get((count, days), "not measured") for table in tables))
    _row(
        "5 × 30 days with 4,500 past bookings (180 days)",
        f"< {PAST_MAX_CHANGE:+.0%}",
        *(table.get("past", "") for table in tables),
    )
    _row("queries, whole table", "constant", *(table.get("queries", "") for table in tables))
    _row("calibration loop", "", *(table.get("calibration", "") for table in tables))
    print(
        "\nScaling therapists only (Mon–Sat 9–17 with a lunch break, a room each, 2–3 bookings "
        "a working day over 90 days), the free-times cache off (the setup in memory); the "
        "median of up to 7 runs. (×): the time as a multiple of a fixed pure-Python loop "
        "timed beside it, for comparing machines. The past-bookings row gives its change "
        "against the same 5 × 30 without them: three blocks of 25 runs with them in turn with "
        "four without, each side the median of its blocks' least times."
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
