#!/usr/bin/env bash
# make run: the development server and one background worker (outbox, reminders, scheduled
# articles) side by side. Ctrl+C, or either of them stopping, stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON_BIN:-.venv/bin/python}"
PORT="${PORT:-8000}"

pids=()
stop() {
  trap - EXIT INT TERM
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

"$PYTHON" manage.py run_worker &
pids+=($!)
"$PYTHON" manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)
wait -n
