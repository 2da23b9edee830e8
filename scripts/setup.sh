#!/usr/bin/env bash
# Creates .venv (if missing) and installs hmmrnn with its dependencies. Idempotent.
# torch is pinned to 2.13.0 first: on these machines that is a CPU wheel on local disk; a plain
# "torch" requirement would pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import hmmrnn, torch, geomloss, sklearn, hypothesis, xdist" 2>/dev/null; then
  .venv/bin/pip install -q --disable-pip-version-check "torch==2.13.0"
  .venv/bin/pip install -q --disable-pip-version-check -e ".[dev]"
fi
