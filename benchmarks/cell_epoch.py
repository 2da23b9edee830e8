"""Seconds per training epoch of each cell, the step loop against torch's fused module (issue 30, item 2).

    python benchmarks/cell_epoch.py                 # linear:2, H=150, d=100, the paper's data, 1 thread
    python benchmarks/cell_epoch.py --quick         # tiny sizes: checks that it runs
    python benchmarks/cell_epoch.py --cells gru lstm --repeats 2

"loop" is the per-step Python loop of model.step that training ran before (forced here by a no-op
intervention, which rollout never hands to the fused path); "fused" is what training runs now for tanh, GRU
and LSTM nets (rnn._fused_logits). The ReLU has one path (its step loop is the paper's arithmetic). One epoch is
Trainer.run_epoch: the training batches forward and backward with the Sinkhorn loss, then validation.
Run it with nothing else on the machine: it times wall-clock seconds.
"""
from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmmrnn import rnn, train  # noqa: E402
from hmmrnn.train import TrainConfig, Trainer, tune_malloc  # noqa: E402


def _looped(model, noise, **kw):
    return rnn.rollout(model, noise, intervention=rnn.Intervention(), **kw)


def epoch_seconds(cell: str, path: str, quick: bool, repeats: int) -> float:
    size = dict(hidden=16, inputs=8, n_sequences=600, seq_len=10, batch=128) if quick else \
        dict(hidden=150, inputs=100)
    cfg = TrainConfig(hmm="linear:2", cell=cell.removesuffix("-bias"), bias=cell.endswith("-bias"),
                      seed=0, epochs=1, device="cpu", **size)
    times = []
    with tempfile.TemporaryDirectory() as out:
        tr = Trainer(cfg, Path(out), log=lambda *a: None)
        original = train.rollout
        train.rollout = _looped if path == "loop" else original
        try:
            for _ in range(repeats):
                t0 = time.perf_counter()
                tr.run_epoch()
                times.append(time.perf_counter() - t0)
        finally:
            train.rollout = original
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--cells", nargs="+", default=["relu", "tanh", "gru", "lstm"])
    ap.add_argument("--repeats", type=int, default=1, help="epochs per (cell, path); the minimum is quoted")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    tune_malloc()
    print(f"# {platform.processor() or platform.machine()}, torch {torch.__version__}, {a.threads} thread(s), "
          f"{'quick sizes' if a.quick else 'linear:2, H=150, d=100, 10000 training + 10000 validation sequences'}")
    print("| cell | loop s/epoch | fused s/epoch | speed-up |\n|---|---|---|---|")
    for cell in a.cells:
        loop = epoch_seconds(cell, "loop", a.quick, a.repeats)
        if cell.startswith("relu"):
            print(f"| {cell} | {loop:.2f} | (the step loop) | 1.00 |", flush=True)
            continue
        fused = epoch_seconds(cell, "fused", a.quick, a.repeats)
        print(f"| {cell} | {loop:.2f} | {fused:.2f} | {loop / fused:.2f} |", flush=True)


if __name__ == "__main__":
    main()
