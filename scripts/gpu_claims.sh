#!/usr/bin/env bash
# Issue 22, item 2, in one call of the device tool: the claims with their rollouts on CUDA against the CPU.
#   1. benchmarks/claims_device.py on three trained fixtures (linear2-seed0, fully3-seed0, cyclic4-seed0): every
#      per-checkpoint claim in both readings on the CPU and on CUDA, wall times, differing verdicts, the largest
#      relative difference of any statistic -> $OUT/device_table.md;
#   2. the linear:2 late audit (the 50 checkpoints of fixtures/audits/linear2.json: 5 seeds, late 180, every 20)
#      with --device cuda -n 16, timed -> $OUT/audit_results.json, to compare here with the committed CPU rows
#      (python scripts/audit_late.py's rows; goal: <= 3 min on one H200).
# Here, first: bash scripts/gpu_claims.sh --prepare  (copies those checkpoints into .gpu/claims, about 10 MB;
# fixtures/ itself is too large to travel). On the device (carry [".whl", ".gpu/claims"], after installing the
# wheels as scripts/gpu_sweep.sh's callers do): bash scripts/gpu_claims.sh
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
SEEDS="linear2-seed0-to500 linear2-seed1-to500 linear2-seed2-to500 linear2-seed3 linear2-seed4"
if [ "${1:-}" = --prepare ]; then
  rm -rf .gpu/claims && mkdir -p .gpu/claims
  for f in linear2-seed0 fully3-seed0 cyclic4-seed0; do
    mkdir -p .gpu/claims/$f && cp fixtures/$f/final.pt fixtures/$f/final.json .gpu/claims/$f/
  done
  for s in $SEEDS; do
    .venv/bin/python - "$s" <<'PYEOF'
import shutil, sys
from pathlib import Path
from hmmrnn.runs import evolution_epochs, evolution_path
src, dst = Path("fixtures") / sys.argv[1], Path(".gpu/claims") / sys.argv[1]
dst.mkdir(parents=True, exist_ok=True)
for name in ("final.pt", "final.json", "history.json"):
    if (src / name).exists():
        shutil.copy(src / name, dst / name)
epochs = evolution_epochs(src)
for e in (e for e in epochs if e >= epochs[-1] - 180 and (epochs[-1] - e) % 20 == 0):
    p = evolution_path(src, e)
    (dst / p.parent.name).mkdir(exist_ok=True)
    for q in (p, p.with_suffix(".json")):
        shutil.copy(q, dst / p.parent.name / q.name)
PYEOF
  done
  du -sh .gpu/claims
  exit 0
fi
OUT=${OUT:?set OUT}
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
timeout "${TABLE_S:-300}" "$PY" benchmarks/claims_device.py .gpu/claims/linear2-seed0/final.pt \
  .gpu/claims/fully3-seed0/final.pt .gpu/claims/cyclic4-seed0/final.pt --device cuda --json "$OUT/device_table.json" \
  | tee "$OUT/device_table.md"
dirs=(); for s in $SEEDS; do dirs+=(.gpu/claims/$s); done
t0=$(date +%s)
timeout "${AUDIT_S:-240}" "$PY" -m hmmrnn.cli audit "${dirs[@]}" --late 180 --late-every 20 --hmm linear:2 \
  --device cuda --report-dir /tmp/audit -n 16 -q -p no:cacheprovider >"$OUT/audit.log" 2>&1
echo "late audit on cuda, -n 16: exit $?, $(( $(date +%s) - t0 )) s" | tee -a "$OUT/audit.log"
cp /tmp/audit/results.json "$OUT/audit_results.json" 2>/dev/null || echo "no results.json"
