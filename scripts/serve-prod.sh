#!/usr/bin/env bash
# make serve-prod: the site as production runs it. Static files collected, migrations applied,
# then gunicorn (settings in gunicorn.conf.py) on 127.0.0.1:${PORT:-8000} with
# ${WEB_CONCURRENCY:-2} workers and DJANGO_DEBUG=0. No access log: URLs carry booking tokens.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  cat >&2 <<'EOF'
serve-prod: DJANGO_SECRET_KEY is not set.
  Production needs a long random secret, kept out of the repository, e.g.:
    export DJANGO_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
  See .env.example for the other settings (DJANGO_ALLOWED_HOSTS, DATABASE_URL, SITE_URL, ...).
EOF
  exit 1
fi

if [ -z "${CARE_ENCRYPTION_KEYS:-}" ]; then
  cat >&2 <<'EOF'
serve-prod: CARE_ENCRYPTION_KEYS is not set.
  Clients' health answers are encrypted with it; keep it apart from database backups, e.g.:
    export CARE_ENCRYPTION_KEYS="$(.venv/bin/python manage.py care_new_key)"
EOF
  exit 1
fi

PYTHON="${PYTHON_BIN:-.venv/bin/python}"
if [ ! -x "$PYTHON" ]; then
  echo "serve-prod: $PYTHON not found; run 'make run' or 'make test' once to install." >&2
  exit 1
fi

export DJANGO_DEBUG=0
export PORT="${PORT:-8000}"
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"
# gunicorn listens on 127.0.0.1 only, so these are the names it can be reached by locally.
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"

"$PYTHON" manage.py collectstatic --noinput --verbosity 0
"$PYTHON" manage.py migrate --noinput

echo "serve-prod: gunicorn on http://127.0.0.1:$PORT/ with $WEB_CONCURRENCY workers (DEBUG off)."
if [ "${DJANGO_SECURE_SSL_REDIRECT:-1}" != "0" ]; then
  echo "serve-prod: plain-HTTP requests are redirected to https; put your TLS proxy in front" \
    "(it sends X-Forwarded-Proto: https), or set DJANGO_SECURE_SSL_REDIRECT=0 to try it locally."
fi
exec "$PYTHON" -m gunicorn clinic.wsgi --config gunicorn.conf.py
