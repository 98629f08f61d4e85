#!/usr/bin/env bash
# Fault injection (tests/faults/): our own redis-server stopped mid-test and filled up, a
# black-hole and an unreachable SMTP server with two real workers, a dropped database
# connection under gunicorn. On a fresh PostgreSQL database, dropped after.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON_BIN:-.venv/bin/python}"
if [ ! -x "$PYTHON" ]; then
  echo "faults: $PYTHON not found; run 'make test' once to install." >&2
  exit 1
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "faults: installing redis-server (Debian package)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq redis-server >/dev/null 2>&1 \
    || { $sudo apt-get update -qq && $sudo apt-get install -y -qq redis-server >/dev/null; }
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "faults: PostgreSQL is not running on 127.0.0.1:5432." >&2
  exit 1
fi

db="clinic_faults_$(date +%s)_$$"
createdb -h 127.0.0.1 -U postgres "$db"
cleanup() {
  dropdb -h 127.0.0.1 -U postgres --if-exists "test_$db" >/dev/null 2>&1 || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The collected static files' manifest, for the gunicorn server (DEBUG off).
DJANGO_DEBUG=0 DJANGO_SECRET_KEY=faults-collectstatic \
  "$PYTHON" manage.py collectstatic --noinput --verbosity 0
FAULTS=1 DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" \
  "$PYTHON" -m pytest tests/faults -q -p no:cacheprovider -s "$@"
