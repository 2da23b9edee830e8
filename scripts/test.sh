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
# two workers, one torch thread each; the claims of one checkpoint stay on one worker (its zone map, kick groups
# and sweeps are computed once there). JOBS=0 runs serially.
if [ "${JOBS:-2}" = 0 ]; then exec .venv/bin/python -m pytest tests claims -q -p no:cacheprovider "$@"; fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
exec .venv/bin/python -m pytest tests claims -q -p no:cacheprovider -n "${JOBS:-2}" --dist loadgroup "$@"
