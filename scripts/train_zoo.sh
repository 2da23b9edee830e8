#!/usr/bin/env bash
# Trains the fixture zoo one run after the other, each resumable: run it again after an interruption and
# every run picks up after its last finished epoch (fixtures/NAME/state.pt). Logs go to runs/NAME.log.
# Usage: [THREADS=1] [OUT_ROOT=fixtures] bash scripts/train_zoo.sh [NAME...]
#   default: all, in this order; THREADS=1 leaves a core free; OUT_ROOT=runs trains outside fixtures/.
# The *-to500 runs (issue 13) go on from the 300-epoch fixtures' final weights with a fresh Adam state (their
# optimizer state was not kept); the metadata records the checkpoint and its sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs
declare -A SPEC=(
  [linear2-seed1]="--hmm linear:2 --seed 1 --epochs 300"
  [linear2-seed2]="--hmm linear:2 --seed 2 --epochs 300"
  [linear3-seed0]="--hmm linear:3 --seed 0 --epochs 300"
  [fully3-seed0]="--hmm fully:3 --seed 0 --epochs 500"
  [cyclic4-seed0]="--hmm cyclic:4 --seed 0 --epochs 500"
  [linear4-seed0]="--hmm linear:4 --seed 0 --epochs 300"
  [linear5-seed0]="--hmm linear:5 --seed 0 --epochs 500"
  [fully3-seed1]="--hmm fully:3 --seed 1 --epochs 500"
  [linear4-seed1]="--hmm linear:4 --seed 1 --epochs 300"
  [linear5-seed1]="--hmm linear:5 --seed 1 --epochs 500"
  [linear2-seed0-to500]="--hmm linear:2 --seed 0 --epochs 500 --continue-from fixtures/linear2-seed0/final.pt"
  [linear2-seed1-to500]="--hmm linear:2 --seed 1 --epochs 500 --continue-from fixtures/linear2-seed1/final.pt"
  [linear2-seed2-to500]="--hmm linear:2 --seed 2 --epochs 500 --continue-from fixtures/linear2-seed2/final.pt"
  [linear2-seed3]="--hmm linear:2 --seed 3 --epochs 500"
  [linear2-seed4]="--hmm linear:2 --seed 4 --epochs 500"
)
ORDER=(linear2-seed1 linear2-seed2 linear3-seed0 fully3-seed0 cyclic4-seed0 linear4-seed0 linear5-seed0 fully3-seed1 linear4-seed1 linear5-seed1
       linear2-seed0-to500 linear2-seed1-to500 linear2-seed2-to500 linear2-seed3 linear2-seed4)
NAMES=("${@:-${ORDER[@]}}")
for name in "${NAMES[@]}"; do
  args=${SPEC[$name]:?unknown run $name}
  echo "== $name: hmmrnn train $args" >&2
  .venv/bin/hmmrnn train --hidden 150 --input 100 $args --evolution-every 10 --threads "${THREADS:-0}" \
    --out "${OUT_ROOT:-fixtures}/$name" \
    >>"runs/$name.log" 2>&1
done
