#!/usr/bin/env bash
# A plan of training runs in one call of the device tool: every run is its own `hmmrnn train` process (one CPU
# thread each, all sharing the GPU), stopped after DEADLINE seconds at the latest; then scripts/pack_runs.py
# thins the evolution series and packs the runs into $OUT. A stopped run resumes from RUNS_DIR/NAME/state.pt.
# A plan (scripts/plans/*.txt) is data: one run per line, NAME then `hmmrnn train` arguments, in priority
# order, fixed before training. Two words are the script's: --nice (the run takes spare cycles) and
# --resume-only (skipped unless RUNS_DIR/NAME/state.pt exists).
# A line whose arguments hold --seeds trains those seeds as one batched model (hmmrnn.batched) into RUNS_DIR/NAME/,
# one run folder per seed; other lines are one run each, into RUNS_DIR/NAME.
# H=150 and d=100 (the paper's) unless the plan line says otherwise: its arguments come after them, and the last wins.
# PACK: options of scripts/pack_runs.py (e.g. --late-only).
# Usage (device machine, repository root): DEADLINE=450 bash scripts/train_gpu.sh PLAN [RUNS_DIR]
# Smoke test on a CPU: ONLY="linear3-seed3" PY=.venv/bin/python DEVICE=cpu \
#   EXTRA="--n-sequences 300 --batch 100" DEADLINE=60 OUT=/tmp/out bash scripts/train_gpu.sh scripts/plans/issue20.txt /tmp/runs
set -uo pipefail
cd "$(dirname "$0")/.."
PLAN=${1:?usage: train_gpu.sh PLAN [RUNS_DIR]}
ROOT=${2:-.gpu/runs}
PY=${PY:-python3}
mkdir -p "$ROOT"
declare -A SPEC=()
ORDER=()
while read -r name args; do
  case $name in ''|'#'*) continue;; esac
  SPEC[$name]=$args
  ORDER+=("$name")
done <"$PLAN"
[ -n "${ONLY:-}" ] && read -ra ORDER <<<"$ONLY"  # a subset, e.g. for a smoke test
printf '%s\n' "${ORDER[@]}" >"$ROOT/order.txt"
echo "plan $PLAN: ${#ORDER[@]} runs; cpus: $(nproc); deadline ${DEADLINE:-450} s"
nvidia-smi --query-gpu=name,memory.used --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
start=$(date +%s)
for name in "${ORDER[@]}"; do
  args=${SPEC[$name]:?"$name: not in $PLAN"}
  nice=0
  [[ " $args " == *" --nice "* ]] && nice=10 && args=${args/--nice/}
  if [[ " $args " == *" --resume-only "* ]]; then
    args=${args/--resume-only/}
    [ -e "$ROOT/$name/state.pt" ] || { echo "$name: no state.pt to go on from; skipped"; continue; }
  fi
  mkdir -p "$ROOT/$name"
  where=(--out "$ROOT/$name")
  [[ " $args " == *" --seeds "* ]] && where=(--out-root "$ROOT/$name")
  timeout -s TERM "${DEADLINE:-450}" nice -n $nice "$PY" -m hmmrnn.cli train --hidden 150 --input 100 $args \
    --evolution-every 10 --threads 1 --device "${DEVICE:-cuda}" ${EXTRA:-} "${where[@]}" >>"$ROOT/$name/train.log" 2>&1 &
done
wait
echo "trained for $(( $(date +%s) - start )) s"
for name in "${ORDER[@]}"; do echo "$name: $(tail -c 300 "$ROOT/$name/train.log" 2>/dev/null | tr '\n' ' ' | tail -c 200)"; done
"$PY" scripts/pack_runs.py "$ROOT" "${OUT:-.gpu/out}" ${PACK:-}
