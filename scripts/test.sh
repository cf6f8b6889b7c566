#!/usr/bin/env bash
# The whole test suite from a fresh machine: virtual environment, test tools, Debian's
# Chromium for the browser tests, then pytest. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt

# Browser tests use Debian's Chromium (never a browser downloaded by Playwright).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-dejavu-core) >/dev/null
  else
    echo "Chromium is missing and this is not root: install Debian's chromium to run the browser tests." >&2
  fi
fi

exec .venv/bin/python -m pytest "$@"
