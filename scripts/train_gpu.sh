#!/usr/bin/env bash
# Issue 13's sweep in one call of the device tool: every run is its own `hmmrnn train` process (one CPU
# thread each, all sharing the GPU), stopped after DEADLINE seconds at the latest; then scripts/pack_runs.py
# thins the evolution series and packs the runs into $OUT. A stopped run resumes from RUNS/NAME/state.pt.
# The run list is fixed before training (seeds in order, issue 13): linear:2 seeds 0-4 to the paper's 500
# epochs (seed 0 on to 1000), linear:5 seeds 0-9 for at most 1000 epochs or until converged, and the third
# seeds of the other families at the paper's epochs. Runs start in that order, so priority follows it.
# Usage (device machine, repository root): DEADLINE=450 bash scripts/train_gpu.sh [RUNS_DIR]
# Smoke test on a CPU: ONLY="linear2-seed3 linear5-seed0-gpu" PY=.venv/bin/python DEVICE=cpu \
#   EXTRA="--n-sequences 300 --batch 100" DEADLINE=60 OUT=/tmp/out bash scripts/train_gpu.sh /tmp/runs
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=${1:-.gpu/runs}
PY=${PY:-python3}
mkdir -p "$ROOT"
declare -A SPEC=(
  [linear2-seed0-to1000]="--hmm linear:2 --seed 0 --epochs 1000"
  [linear2-seed1-to500]="--hmm linear:2 --seed 1 --epochs 500 --continue-from fixtures/linear2-seed1/final.pt"
  [linear2-seed2-to500]="--hmm linear:2 --seed 2 --epochs 500 --continue-from fixtures/linear2-seed2/final.pt"
  [linear2-seed3]="--hmm linear:2 --seed 3 --epochs 500"
  [linear2-seed4]="--hmm linear:2 --seed 4 --epochs 500"
  [fully3-seed2]="--hmm fully:3 --seed 2 --epochs 1000"
  [cyclic4-seed1]="--hmm cyclic:4 --seed 1 --epochs 500"
  [cyclic4-seed2]="--hmm cyclic:4 --seed 2 --epochs 500"
  [linear3-seed1]="--hmm linear:3 --seed 1 --epochs 500"
  [linear3-seed2]="--hmm linear:3 --seed 2 --epochs 500"
  [linear4-seed2]="--hmm linear:4 --seed 2 --epochs 500"
)
ORDER=(linear2-seed0-to1000 linear2-seed1-to500 linear2-seed2-to500 linear2-seed3 linear2-seed4)
for s in 0 1 2 3 4 5 6 7 8 9; do
  SPEC[linear5-seed$s-gpu]="--hmm linear:5 --seed $s --max-epochs 1000 --until-converged 3"
  ORDER+=(linear5-seed$s-gpu)
done
ORDER+=(fully3-seed2 cyclic4-seed1 cyclic4-seed2 linear3-seed1 linear3-seed2 linear4-seed2)
[ -n "${ONLY:-}" ] && read -ra ORDER <<<"$ONLY"  # a subset, e.g. for a smoke test
# linear2-seed0 went on from the state of its CPU run to 500 at epoch 476, Adam state included (then in
# fixtures/partial; the run diverged at epoch 842-864 and that state is not kept): without it, it is skipped
if [ ! -e "$ROOT/linear2-seed0-to1000/state.pt" ]; then
  echo "linear2-seed0-to1000: no state.pt to go on from; skipped"
  ORDER=("${ORDER[@]/linear2-seed0-to1000}")
fi
printf '%s\n' "${ORDER[@]}" >"$ROOT/order.txt"
nvidia-smi --query-gpu=name,memory.used --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
start=$(date +%s)
for name in "${ORDER[@]}"; do
  [ -n "$name" ] || continue
  mkdir -p "$ROOT/$name"
  nice=0; case $name in linear2-*|linear5-*) ;; *) nice=10;; esac  # the other families take spare cycles
  timeout -s TERM "${DEADLINE:-450}" nice -n $nice "$PY" -m hmmrnn.cli train ${SPEC[$name]} --hidden 150 --input 100 \
    --evolution-every 10 --threads 1 --device "${DEVICE:-cuda}" ${EXTRA:-} --out "$ROOT/$name" >>"$ROOT/$name/train.log" 2>&1 &
done
wait
echo "trained for $(( $(date +%s) - start )) s"
for name in "${ORDER[@]}"; do [ -n "$name" ] && echo "$name: $(tail -c 300 "$ROOT/$name/train.log" | tr '\n' ' ' | tail -c 200)"; done
"$PY" scripts/pack_runs.py "$ROOT" "${OUT:-.gpu/out}"
