"""make bench, last step: the figures of every database side by side, as a Markdown table.

python -m tests.benchmarks.bench_report artifacts/bench/sqlite.json artifacts/bench/pg.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(paths: list[str]) -> int:
    runs = [json.loads(Path(path).read_text()) for path in paths if Path(path).exists()]
    if not runs:
        print("bench: no results to report.")
        return 1
    setup = runs[0]["setup"]
    print("\n=== Summary (Markdown, for the README) ===\n")
    print(
        f"{setup['therapists']} therapists, {setup['bookings']} bookings over the next "
        f"{setup['booking_days']} days, the demo articles. One machine with {setup['cpus']} "
        f"CPUs running both gunicorn ({setup['workers']} sync workers, DEBUG off) and "
        f"`{setup['load']}`; Python {setup['python']}, Django {setup['django']}. "
        "Ratios are to a bare Django view in the same run (measured first and last, averaged); "
        "queries are for a first request on an empty cache / a repeated one; in-process ms is "
        "the median time of a repeated request through Django's test client.\n"
    )
    labels = [f"{run['label']} ({run['setup']['database']})" for run in runs]
    print("| availability, 30 days (in-process) | target | " + " | ".join(labels) + " |")
    print("| --- | --- |" + " --- |" * len(runs))
    for key, label in [("one", "one therapist"), ("all", "all five therapists")]:
        cells = []
        for run in runs:
            figures = run["availability"][key]
            verdict = f" {figures['verdict']}" if figures["verdict"] else ""
            cells.append(f"{figures['queries']} queries, {figures['ms']:.1f} ms{verdict}")
        target = "≤ 9 queries, < 30 ms" if key == "all" else ""
        print(f"| {label} | {target} | " + " | ".join(cells) + " |")

    print()
    print(
        "| page | target | "
        + " | ".join(
            f"{run['label']}: req/s (× bare), p50/p99 ms, queries, in-process ms" for run in runs
        )
        + " |"
    )
    print("| --- | --- |" + " --- |" * len(runs))
    for index, page in enumerate(runs[0]["pages"]):
        target = f"≥ {page['target']:.0%}" if page["target"] else ""
        cells = []
        for run in runs:
            row = run["pages"][index]
            if "rps" not in row:
                cells.append("not measured")
                continue
            ratio = f"{row['ratio']:.0%}" if row["ratio"] is not None else "n/a"
            verdict = f" {row['verdict']}" if row["verdict"] else ""
            errors = " (errors!)" if row["bad_status"] or row["socket_errors"] else ""
            cells.append(
                f"{row['rps']:.0f} ({ratio}{verdict}), {row['p50_ms']:.1f}/{row['p99_ms']:.1f}, "
                f"{row['queries_cold']}/{row['queries_warm']}, {row['inprocess_ms']:.1f}{errors}"
            )
        print(f"| {page['name']} | {target} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
