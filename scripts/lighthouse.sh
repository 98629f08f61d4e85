#!/usr/bin/env bash
# Lighthouse 12 (npm `lighthouse`, pinned in package.json; Debian's Chromium; mobile preset) on
# the site as production serves it: gunicorn and WhiteNoise with DEBUG off and compressed,
# hashed static files, against a freshly seeded SQLite copy of the demo clinic, on a free
# port. Prints Performance, Accessibility, Best Practices and SEO per page, keeps the reports
# in artifacts/lighthouse/ and fails when any score is below 0.95 (LIGHTHOUSE_MIN).
set -euo pipefail
cd "$(dirname "$0")/.."
export HOME="${CI_HOME:-$PWD/.ci-home}"
mkdir -p "$HOME"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

wanted=$(node -p "require('./package.json').devDependencies.lighthouse")
installed=$(node -p "try { require('./node_modules/lighthouse/package.json').version } catch { '' }")
if [ "$wanted" != "$installed" ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi

PYTHON=.venv/bin/python
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PORT="$port" SITE_URL="http://127.0.0.1:$port"
export DATABASE_URL="sqlite:///$work/lighthouse.sqlite3"
export DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECRET_KEY="lighthouse-only-$(date +%s%N)-not-a-production-secret"
# A throwaway key for the scratch copy's health records (the demo seeds some).
export CARE_ENCRYPTION_KEYS="$("$PYTHON" manage.py care_new_key)"
export WEB_CONCURRENCY=2

"$PYTHON" manage.py migrate --noinput --verbosity 0
"$PYTHON" manage.py seed_demo >/dev/null
"$PYTHON" manage.py collectstatic --noinput --verbosity 0
"$PYTHON" -m gunicorn clinic.wsgi --config gunicorn.conf.py >"$work/gunicorn.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fsS "$SITE_URL/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/gunicorn.log" >&2; exit 1; }
  sleep 0.2
done

# The pages: an article, a therapist and the first free time come from the seeded clinic.
mapfile -t pages < <("$PYTHON" manage.py shell --no-imports -c '
from datetime import timedelta
from urllib.parse import urlencode
from django.urls import reverse
from django.utils import timezone
from articles.models import Article
from bookings.models import BookingPolicy, Service, Therapist
from bookings.schedules import find_slots, in_clinic_time
service = Service.objects.get(slug="sciatica-relief-60")
therapist = Therapist.objects.get(slug="maren-ostby")
now = timezone.now()
today = timezone.localdate()
slot = in_clinic_time(find_slots(service, therapist, today, today + timedelta(days=14), now=now, policy=BookingPolicy.load())[:1])[0]
confirm = reverse("bookings:confirm", args=[service.slug]) + "?" + urlencode({"therapist": therapist.slug, "start": slot.start.isoformat()})
print("home=/")
print("article=" + Article.objects.published(now).first().get_absolute_url())
print("services=/services/")
print("therapist=" + therapist.get_absolute_url())
print("visit=/visit/")
print("time-picker=" + reverse("bookings:book_service", args=[service.slug]))
print("confirm=" + confirm)
')

rm -rf artifacts/lighthouse
node scripts/lighthouse.mjs "$SITE_URL" artifacts/lighthouse "${pages[@]}"
