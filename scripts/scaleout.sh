#!/usr/bin/env bash
# Scale-out proof (tests/scaleout/): two gunicorn servers and two reminder jobs on one fresh
# PostgreSQL database. pytest-django creates test_<name> beside it; both are dropped after.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON_BIN:-.venv/bin/python}"
if [ ! -x "$PYTHON" ]; then
  echo "scaleout: $PYTHON not found; run 'make test' once to install." >&2
  exit 1
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "scaleout: PostgreSQL is not running on 127.0.0.1:5432." >&2
  exit 1
fi

db="clinic_scaleout_$(date +%s)_$$"
createdb -h 127.0.0.1 -U postgres "$db"
cleanup() {
  dropdb -h 127.0.0.1 -U postgres --if-exists "test_$db" >/dev/null 2>&1 || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

SCALEOUT=1 DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" \
  "$PYTHON" -m pytest tests/scaleout -q -p no:cacheprovider "$@"
