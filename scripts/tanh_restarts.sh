#!/usr/bin/env bash
# Issue 30: why does the tanh net (linear2-tanh-seed0) keep returning to the first plateau? Measured, not guessed:
# from its best checkpoint (epoch 377, validation 9.46) with a fresh Adam state, EPOCHS more epochs under
#   as-trained  the campaign's settings (clip 0.9, learning rate 1e-3)
#   no-clip     no gradient-norm clipping
#   lr-1e-4     a tenth of the learning rate
# each arm on the same seed (same data and noise), one thread; resumable (rerun it). Then
#   .venv/bin/python scripts/tanh_restarts.py    # epochs back on the plateau per arm -> docs/universality/
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${EPOCHS:-40}
SRC=${SRC:-runs/cells/linear2-tanh-seed0/best.pt}
[[ -f $SRC ]] || SRC=fixtures/partial/issue30/linear2-tanh-seed0/best.pt
OUT=${OUT:-runs/tanh-restarts}
mkdir -p "$OUT"
end=$((377 + EPOCHS))
arm() {
  local name=$1; shift
  echo "== $(date -u +%FT%TZ) $name: from $SRC to epoch $end: $*" | tee -a "$OUT/$name.log" >&2
  .venv/bin/hmmrnn train --hmm linear:2 --hidden 150 --input 100 --cell tanh --seed 0 --epochs "$end" \
    --continue-from "$SRC" --evolution-every 10 --threads 1 --out "$OUT/$name" "$@" >>"$OUT/$name.log" 2>&1 \
    || echo "== $name: hmmrnn train exited $? (see $OUT/$name.log)" >&2
}
arm as-trained
arm no-clip --clip 0 --change clip
arm lr-1e-4 --lr 1e-4 --change lr
