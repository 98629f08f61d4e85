#!/usr/bin/env bash
# Real-browser checks (tests/e2e/): axe-core on every public page, the booking flow in Chromium
# at desktop and phone sizes (screenshots in artifacts/screenshots/), keyboard-only booking, and
# the Nu HTML Checker over every public page. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export HOME="${CI_HOME:-$PWD/.ci-home}"   # npm's cache and Chromium's leftovers stay in here
mkdir -p "$HOME"

# Debian's Chromium (never `playwright install`) and Java for vnu.jar.
command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
command -v java >/dev/null || (apt-get update && apt-get install -y default-jre-headless)

# The Nu HTML Checker at the version pinned in package.json / package-lock.json.
# --ignore-scripts: its postinstall would download a Java runtime; we use the machine's.
wanted=$(node -p "require('./package.json').devDependencies['vnu-jar']")
installed=$(node -p "try { require('./node_modules/vnu-jar/package.json').version } catch { '' }")
if [ "$wanted" != "$installed" ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi

make --no-print-directory .venv/.dev   # the dev requirements (pytest, playwright, axe)
E2E=1 .venv/bin/python -m pytest tests/e2e -q "$@"
# The browser tests that live beside the code they check (marked e2e), in their own run:
# each starts its own Playwright, which cannot share a process with tests/e2e's.
E2E=1 .venv/bin/python -m pytest tests/bookings -m e2e -q
# Lighthouse 12 on the production settings: the four scores per page, 0.95 or more each.
bash scripts/lighthouse.sh
