#!/usr/bin/env bash
# make bench, on a fresh SQLite and a fresh PostgreSQL database each
# (tests/benchmarks/bench_clinic.py):
#   - the availability engine in-process, and queries per page;
#   - the site under wrk behind gunicorn, as ratios to /bench/hello (a Django view without
#     middleware; /bench/bare until it is routed): free times cached (normal settings), then
#     cold (a second gunicorn with CLINIC_FREE_TIMES_CACHE=0);
#   - a busy clinic: the time picker under wrk while a booking comes in every second, with a
#     throwaway redis-server of its own (skipped when redis-server is not installed);
#   - the engine's scaling in-process: 1-50 therapists x 7-90 days, and 4,500 past bookings;
# then booking POST latency with and without sending in the request, and a worker's emails
# per second, against a local aiosmtpd server (tests/benchmarks/bench_outbox.py).
# Prints figures with PASS/MISS against the targets; never fails because of timing, only when
# a page does not answer 200.
#
#   BENCH_DATABASES="sqlite postgresql"  which databases (PostgreSQL is skipped if not running)
#   BENCH_SECONDS=5 BENCH_THREADS=2 BENCH_CONNECTIONS=16 BENCH_WORKERS=2   the wrk load
# Results, gunicorn, redis and booking-process logs: artifacts/bench/ (summary.md: Markdown
# tables for the README).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON_BIN:-.venv/bin/python}"
if [ ! -x "$PYTHON" ]; then
  echo "bench: $PYTHON not found; run 'make test' once to install." >&2
  exit 1
fi

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: installing wrk (Debian package)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null; }
fi

out="artifacts/bench"
mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.log "$out"/*.md
export BENCH_LOG_DIR="$PWD/$out"
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}"
# Production settings; the bench views exist only with CLINIC_BENCH=1.
export DJANGO_DEBUG=0 CLINIC_BENCH=1
# A throwaway key for the demo's health records: the benchmark's databases are thrown away too.
export CARE_ENCRYPTION_KEYS="${CARE_ENCRYPTION_KEYS:-$(DJANGO_DEBUG=1 "$PYTHON" manage.py care_new_key)}"
# Each process's own memory cache, unless a run says otherwise (the busy run starts its own
# Redis); free times cached, as in production, unless a run says otherwise (the cold one).
unset EMAIL_HOST REDIS_URL RATELIMIT_REDIS_URL TASKS_REDIS_URL CLINIC_FREE_TIMES_CACHE

tmp="$(mktemp -d)"
pg_db=""
cleanup() {
  rm -rf "$tmp"
  if [ -n "$pg_db" ]; then
    dropdb -h 127.0.0.1 -U postgres --if-exists "$pg_db" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

echo "bench: collecting static files (the production manifest storage needs them)"
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

outbox_bench() {  # $1: label, $2: a fresh database URL
  DATABASE_URL="$2" DJANGO_LOG_LEVEL=WARNING \
    "$PYTHON" -m tests.benchmarks.bench_outbox --label "$1" | tee -a "$out/emails.md"
}

results=()
for database in ${BENCH_DATABASES:-sqlite postgresql}; do
  case "$database" in
    sqlite)
      DATABASE_URL="sqlite:///$tmp/bench.sqlite3" \
        "$PYTHON" -m tests.benchmarks.bench_clinic --label SQLite --json "$out/sqlite.json"
      results+=("$out/sqlite.json")
      outbox_bench SQLite "sqlite:///$tmp/outbox.sqlite3"
      ;;
    postgresql)
      if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
        if [ -d /etc/postgresql ]; then
          pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start \
            >/dev/null 2>&1 || true
          for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
        fi
      fi
      if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
        echo "bench: PostgreSQL is not running on 127.0.0.1:5432; skipped."
        continue
      fi
      pg_db="clinic_bench_$(date +%s)_$$"
      createdb -h 127.0.0.1 -U postgres "$pg_db"
      DATABASE_URL="postgres://postgres@127.0.0.1:5432/$pg_db" \
        "$PYTHON" -m tests.benchmarks.bench_clinic --label PostgreSQL --json "$out/postgresql.json"
      dropdb -h 127.0.0.1 -U postgres --if-exists "$pg_db"
      createdb -h 127.0.0.1 -U postgres "$pg_db"
      outbox_bench PostgreSQL "postgres://postgres@127.0.0.1:5432/$pg_db"
      dropdb -h 127.0.0.1 -U postgres --if-exists "$pg_db"
      pg_db=""
      results+=("$out/postgresql.json")
      ;;
    *)
      echo "bench: unknown database '$database' (sqlite, postgresql)" >&2
      exit 2
      ;;
  esac
done

"$PYTHON" -m tests.benchmarks.bench_report "${results[@]}" | tee "$out/summary.md"
cat "$out/emails.md" >> "$out/summary.md"
