#!/usr/bin/env bash
# The main job: every claim over the committed fixtures and controls; writes reports/claims.{md,html},
# reports/results.json and reports/figures/. Extra arguments go to pytest (e.g. --claims-seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# two workers, one torch thread each, the claims of one checkpoint on one worker; JOBS=0 runs serially
if [ "${JOBS:-2}" = 0 ]; then exec .venv/bin/python -m pytest claims -p no:cacheprovider -q "$@"; fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
exec .venv/bin/python -m pytest claims -p no:cacheprovider -q -n "${JOBS:-2}" --dist loadgroup "$@"
