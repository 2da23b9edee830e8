#!/usr/bin/env bash
# The main job: every claim over the committed fixtures and controls; writes reports/claims.{md,html},
# reports/results.json and reports/figures/. Extra arguments go to pytest (e.g. --claims-seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest claims -p no:cacheprovider -q "$@"
