#!/usr/bin/env bash
# The tests: unit and property tests of the library (tests/), then the claims over the fixtures (claims/),
# so a change that breaks a claim fails. Installs Debian's chromium for the HTML rendering test when it can.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "chromium could not be installed: the HTML rendering test will be skipped"
fi
exec .venv/bin/python -m pytest tests claims -q -p no:cacheprovider "$@"
