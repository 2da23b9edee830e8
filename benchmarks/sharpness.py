"""How far a trained linear:2 network can be pushed before it loses the second descent's solution (issue 30: why the
tanh run keeps returning to the plateau). Measured, not guessed.

For each network: its validation loss (the trainer's own, epoch 1's draws) with every parameter moved by
+-eps in a random sign pattern (eps in units of Adam's step size: the learning rate, 1e-3; Adam moves each
parameter by about lr per step, 3 steps per epoch), DRAWS patterns per eps, seeded.

    python benchmarks/sharpness.py            # the tanh run's best weights against the ReLU seeds'
    python benchmarks/sharpness.py --quick    # one draw, two eps
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmmrnn.checkpoint import load  # noqa: E402
from hmmrnn.train import TrainConfig, Trainer, TrainingDiverged  # noqa: E402

NETS = {"tanh seed 0 (best, epoch 377)": "runs/cells/linear2-tanh-seed0/best.pt",
        "relu seed 3 (final, epoch 500)": "fixtures/linear2-seed3/final.pt",
        "relu seed 4 (final, epoch 500)": "fixtures/linear2-seed4/final.pt"}
LR = 1e-3


def val_loss(trainer: Trainer, model) -> float:
    """The trainer's validation loss of epoch 1's draws; inf where the moved network's outputs blow up."""
    trainer.model.load_state_dict(model.state_dict())
    try:
        return trainer.validate(1)
    except TrainingDiverged:
        return float("inf")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sign patterns (printed)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    steps = (1, 10) if a.quick else (0, 10, 30, 100, 300)
    draws = 1 if a.quick else 3
    print(f"# sign-pattern seed {a.seed}; eps = k x lr (lr {LR}); {draws} draws each; validation loss")
    print("| network | " + " | ".join(f"k={k}" for k in steps) + " |\n|---|" + "---|" * len(steps))
    for name, path in NETS.items():
        ck = load(path)
        cfg = TrainConfig(hmm="linear:2", cell=ck.model.cell, bias=ck.model.has_bias, seed=0, device="cpu")
        with tempfile.TemporaryDirectory() as out:
            tr = Trainer(cfg, Path(out), log=lambda *x: None)
            g = torch.Generator().manual_seed(a.seed)
            cells = []
            for k in steps:
                got = []
                for _ in range(draws if k else 1):
                    m = load(path).model
                    with torch.no_grad():
                        for p in m.parameters():
                            sign = torch.randint(0, 2, p.shape, generator=g).to(p) * 2 - 1
                            p.add_(sign * k * LR)
                    got.append(val_loss(tr, m))
                cells.append(f"{np.mean(got):.1f}" + (f" ({min(got):.1f}-{max(got):.1f})" if len(got) > 1 else ""))
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
