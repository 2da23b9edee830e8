#!/usr/bin/env bash
# One call of the device tool for issue 22 (device machine, repository root, $OUT set):
#   1. a smoke test of batched training on CUDA (2 seeds, 2 small epochs); if it fails, PLAN's batched lines
#      are trained one process per seed instead (train_gpu.sh's known path), so the loan is not lost;
#   2. benchmarks/batched_training.py on CUDA, N = 1, 4, 16, 64 at the paper's linear:2 sizes (BENCH s at most);
#   3. PLAN (scripts/plans/*.txt) trained until END s after the start, then packed (scripts/pack_runs.py).
# $OUT gets bench.txt (smoke test and benchmark), runs*.tar.gz and packed.txt: 8 files at most.
# Usage: END=560 bash scripts/gpu_sweep.sh scripts/plans/issue22.txt
# CPU rehearsal: PY=.venv/bin/python DEVICE=cpu SMOKE_DEVICE=cpu BENCH_ARGS="--seeds 1,2 --n-sequences 600" \
#   EXTRA="--n-sequences 300 --batch 100" END=90 OUT=/tmp/out bash scripts/gpu_sweep.sh scripts/plans/issue22.txt
set -uo pipefail
cd "$(dirname "$0")/.."
T0=$(date +%s)
PLAN=${1:?usage: gpu_sweep.sh PLAN}
PY=${PY:-python3}
export PY PYTHONUNBUFFERED=1 HMMRNN_MEMORY_GIB=${HMMRNN_MEMORY_GIB:-120}
OUT=${OUT:?set OUT}
mkdir -p "$OUT"
{
  echo "== smoke test: batched training on ${SMOKE_DEVICE:-cuda}"
  timeout 90 "$PY" -m hmmrnn.cli train --hmm linear:2 --seeds 0-1 --epochs 2 --n-sequences 3000 --batch 1000 \
    --device "${SMOKE_DEVICE:-cuda}" --out-root /tmp/smoke-batched 2>&1 | tail -5
} >"$OUT/bench.txt"
if [ "${PIPESTATUS[0]}" != 0 ] || ! ls /tmp/smoke-batched/*/final.pt >/dev/null 2>&1; then
  echo "smoke test failed: batched lines run one process per seed" | tee -a "$OUT/bench.txt"
  "$PY" - "$PLAN" >/tmp/plan-single.txt <<'PYEOF'
import sys
from hmmrnn.sweep import parse_seeds, run_name
for line in open(sys.argv[1]):
    name, _, args = line.strip().partition(" ")
    if not name or name.startswith("#"):
        continue
    w = args.split()
    if "--seeds" not in w:
        print(name, args); continue
    i = w.index("--seeds"); seeds = parse_seeds(w[i + 1]); rest = " ".join(w[:i] + w[i + 2:])
    hmm = w[w.index("--hmm") + 1]
    for s in seeds:
        print(f"{name}/{run_name(hmm, s)} {rest} --seed {s}")
PYEOF
  PLAN=/tmp/plan-single.txt
else
  echo "== benchmark" >>"$OUT/bench.txt"
  timeout "${BENCH:-150}" "$PY" benchmarks/batched_training.py --device "${DEVICE:-cuda}" --warmup 1 --epochs 2 \
    ${BENCH_ARGS:-} 2>&1 | tee -a "$OUT/bench.txt"
fi
left=$(( ${END:-560} - ($(date +%s) - T0) - 40 ))  # 40 s kept for packing
echo "training for ${left} s"
DEADLINE=$left PACK="--late-only" bash scripts/train_gpu.sh "$PLAN" .gpu/runs
