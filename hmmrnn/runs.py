"""The folder a training run writes, and the one module that knows its layout.

    RUN/final.pt, RUN/final.json             the last epoch's weights and metadata
    RUN/evolution/epoch_NNNN.pt (+ .json)    every k epochs (hmmrnn train --evolution-every)
    RUN/history.json                         the loss per epoch
    RUN/state.pt                             what resuming needs

A run continued from another run's checkpoint records it (metadata ``training.continue_from``); its
evolution series starts with the source run's checkpoints up to that epoch. A run's configuration
(``TrainConfig``, the paper's protocol as its defaults) and its folder's name (``run_name``) are here too.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .checkpoint import atomic_write_json, load
from .hmm import FAMILIES, HMM, parse_spec, train_seq_len
from .rnn import check_cell

EVOLUTION = "evolution"


@dataclass
class TrainConfig:
    hmm: str = "linear:2"
    hidden: int = 150
    inputs: int = 100
    cell: str = "relu"  # relu (the paper's), tanh, gru or lstm (rnn.CELLS)
    bias: bool = False  # the paper's network has none
    epochs: int = 500
    seed: int = 0
    batch: int = 4096
    lr: float = 1e-3
    betas: tuple = (0.9, 0.9)
    clip: float | None = None  # None: 0.9 for linear chains, 0.3 otherwise; 0: no clipping (P11's control arm)
    seq_len: int | None = None  # None: the paper's length for the family
    n_sequences: int = 30000  # split in order: 1/3 train, 1/3 validation, 1/3 test
    blur: float = 0.2
    loss: str = "sinkhorn"  # or "mse": P13's baseline (LOSSES); training and validation both use it
    evolution_every: int = 10
    device: str = "auto"
    continue_from: dict | None = None  # {"path", "sha256", "epoch"}: weights a run went on from (fresh Adam state)
    until_converged: int = 0  # > 0: stop once the convergence rule holds at this many consecutive checks
    hmm_json: dict | None = field(default=None, repr=False)

    def resolved(self) -> "TrainConfig":
        hmm = self.target()
        check_cell(self.cell)
        c = copy.copy(self)
        c.clip = self.clip if self.clip is not None else (0.9 if hmm.family == "linear" else 0.3)
        c.seq_len = self.seq_len or train_seq_len(hmm)
        c.hmm_json = hmm.to_json()
        c.betas = tuple(self.betas)
        if c.device == "auto":
            c.device = "cuda" if torch.cuda.is_available() else "cpu"
        return c

    def target(self) -> HMM:
        return HMM.from_json(self.hmm_json) if self.hmm_json else parse_spec(self.hmm)


def run_name(hmm: str, seed: int) -> str:
    """Run folder name: 'linear:2', seed 3 -> 'linear2-seed3'; a JSON file's stem otherwise."""
    family = hmm.partition(":")[0]
    base = hmm.replace(":", "") if family in FAMILIES else Path(hmm).stem
    return f"{re.sub(r'[^A-Za-z0-9_.-]', '', base)}-seed{seed}"


def evolution_path(run_dir, epoch: int, ext: str = ".pt") -> Path:
    """RUN/evolution/epoch_NNNN<ext> (ext "" for the stem that ``checkpoint.save`` completes)."""
    return Path(run_dir) / EVOLUTION / f"epoch_{int(epoch):04d}{ext}"


def epoch_of(path) -> int:
    """The epoch in an evolution checkpoint's name."""
    return int(Path(path).stem.split("_")[1])


def evolution_epochs(run_dir) -> list[int]:
    """Epochs of the run's evolution checkpoints, ascending."""
    return sorted(epoch_of(p) for p in (Path(run_dir) / EVOLUTION).glob("epoch_*.pt"))


def evolution_series(final_path, meta: dict | None = None) -> list[Path]:
    """The evolution checkpoints of the run that wrote final_path (its metadata: ``meta``, read when not
    given), oldest first, with those of the run it continued from up to the epoch it went on from (found by
    the recorded path or, moved with the fixtures, beside this run)."""
    here = Path(final_path).parent
    evo = [evolution_path(here, e) for e in evolution_epochs(here)]
    if meta is None:
        meta = load(final_path).meta if Path(final_path).exists() else {}
    src = (meta.get("training") or {}).get("continue_from")
    if src:
        rec = Path(src["path"])
        for cand in (rec, here.parent / rec.parent.name / rec.name):
            if cand.exists() and cand.resolve() != Path(final_path).resolve():
                evo = [p for p in evolution_series(cand) if epoch_of(p) <= int(src["epoch"])] + evo
                break
    return evo


def run_history(path, meta: dict) -> list[dict] | None:
    """The loss history of the run a checkpoint belongs to: its metadata's, else the run's history.json (beside
    a final checkpoint, or above evolution/ for an evolution checkpoint); None when there is neither."""
    if meta.get("history"):
        return meta["history"]
    for folder in (Path(path).parent, Path(path).parent.parent):
        if (folder / "history.json").exists():
            return json.loads((folder / "history.json").read_text())
    return None


@dataclass
class Evolution:
    """A run's evolution series, loaded: ``models[i]`` is the RNN at ``epochs[i]``; ``history`` the run's loss
    history (None when it has none)."""

    path: str
    epochs: list[int]
    models: list
    history: list[dict] | None


def load_evolution(final_path) -> Evolution:
    """The evolution series of the run that wrote final_path, with its loss history."""
    meta = load(final_path).meta
    paths = evolution_series(final_path, meta)
    cks = [load(p) for p in paths]
    history = run_history(final_path, meta) or (cks[-1].meta.get("history") if cks else None)
    epochs = [int(ck.meta.get("epoch", epoch_of(p))) for ck, p in zip(cks, paths)]
    return Evolution(str(final_path), epochs, [ck.model for ck in cks], history)


def thin_evolution(run_dir, every: int) -> list[int]:
    """Keep the evolution checkpoints at multiples of `every` epochs and the last one; delete the rest
    (their .pt and .json). Returns the removed epochs. Keeps fixtures/ small; training dynamics then
    have `every`-epoch resolution."""
    epochs = evolution_epochs(run_dir)
    drop = [e for e in epochs[:-1] if e % every]
    for e in drop:
        for ext in (".pt", ".json"):
            evolution_path(run_dir, e, ext).unlink(missing_ok=True)
    return drop


def drop_evolution_history(run_dir: Path) -> int:
    """Remove the loss history from the run's evolution sidecars where it is a prefix of history.json, which
    keeps it (each sidecar repeats every epoch so far: most of a thinned run's metadata). Returns the
    number of sidecars shortened; a sidecar whose history disagrees with history.json is left as it is."""
    full = json.loads((Path(run_dir) / "history.json").read_text())
    n = 0
    for side in sorted((Path(run_dir) / EVOLUTION).glob("epoch_*.json")):
        meta = json.loads(side.read_text())
        hist = meta.get("history")
        if hist and hist == full[: len(hist)]:
            meta.pop("history")
            meta["history_in"] = "../history.json"
            atomic_write_json(side, meta)
            n += 1
    return n
