"""Training: Sinkhorn divergence between sets of RNN and HMM output sequences (REFERENCE.md section 3).

Resumable (OUT/state.pt after every epoch), atomic writes, every random draw derived from (seed, epoch),
so an interrupted run that resumes gives the same weights as an uninterrupted one.
"""
from __future__ import annotations

import copy
import ctypes
import math
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from . import __version__
from .checkpoint import atomic_torch_save, atomic_write_json, save
from .hmm import HMM, sample
from .limits import check_training
from .rnn import GATES, RNN, draw_noise, hard_gumbel_softmax, rollout
from .runs import TrainConfig, evolution_path, run_history  # noqa: F401  (TrainConfig re-exported)
from .sinkhorn import sinkhorn_divergence


def tune_malloc() -> None:
    """Keep freed large blocks in the heap instead of returning them to the OS: each epoch allocates
    and frees the same few hundred MB, and re-faulting those pages costs more than the arithmetic."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
        libc.mallopt(-3, 1 << 25)  # M_MMAP_THRESHOLD (glibc's maximum, 32 MiB)
    except (OSError, AttributeError):
        pass


def _gen(seed: int, epoch: int, purpose: int, device="cpu") -> torch.Generator:
    """The generator of one (epoch, purpose). Noise and Gumbel draws use the training device's own generator
    (on a GPU, drawing them on the CPU would leave the GPU waiting); same seed and device, same stream."""
    return torch.Generator(device=device).manual_seed(((seed * 1_000_003 + epoch) * 8 + purpose) % (2**63))


def one_hot_flat(outputs: torch.Tensor, n_out: int) -> torch.Tensor:
    """[N, L] symbols -> [N, L * n_out] flattened one-hot sequences (the points of the Sinkhorn loss)."""
    return torch.nn.functional.one_hot(outputs, n_out).float().reshape(outputs.shape[0], -1)


LOSSES = ("sinkhorn", "mse")


def sequence_loss(kind: str, y: torch.Tensor, target: torch.Tensor, blur: float) -> torch.Tensor:
    """The training loss between RNN sequences y [B, L*O] and HMM sequences target [B, L*O] (flat one-hot).

    "sinkhorn": the paper's divergence between the two sets of sequences. "mse": P13's baseline, the mean
    squared distance between the i-th RNN and the i-th HMM sequence (paired by index): a per-sample loss, whose
    minimiser is each step's mean symbol rather than the distribution of sequences."""
    if kind == "sinkhorn":
        return sinkhorn_divergence(y, target, blur=blur)
    if kind == "mse":
        return ((y - target) ** 2).sum(-1).mean()
    raise ValueError(f"loss {kind!r}: use one of {', '.join(LOSSES)}")


class TrainingDiverged(RuntimeError):
    """The network's outputs stopped being finite: training blew up (the message says at which epoch)."""


def rnn_sequences(model: RNN, n: int, length: int, gen_noise, gen_gumbel, device) -> torch.Tensor:
    """n flattened hard Gumbel-softmax output sequences of the RNN, the first after the first input."""
    noise = draw_noise(n, length, model.inputs, gen_noise, device=device)
    logits = rollout(model, noise, record="logits").logits
    if not torch.isfinite(logits).all():
        raise TrainingDiverged("the network's output logits are not finite")
    y = hard_gumbel_softmax(logits, gen_gumbel)
    return y.reshape(n, -1)


class Trainer:
    def __init__(self, cfg: TrainConfig, out: Path, log=print):
        self.cfg = cfg.resolved()
        self.out = Path(out)
        self.log = log
        c = self.cfg
        self.hmm = c.target()
        self.device = torch.device(c.device)
        # a gated cell keeps about G times the relu's per-step tensors for the backward pass
        check_training(c.n_sequences, c.seq_len, c.batch, c.hidden * GATES[c.cell], c.inputs, self.hmm.n_outputs)
        _, outputs = sample(self.hmm, c.n_sequences, c.seq_len, seed=c.seed)
        third = c.n_sequences // 3
        data = torch.from_numpy(outputs)
        self.train_data = one_hot_flat(data[:third], self.hmm.n_outputs).to(self.device)
        self.val_data = one_hot_flat(data[third : 2 * third], self.hmm.n_outputs).to(self.device)
        self.model = RNN(c.hidden, c.inputs, self.hmm.n_outputs, bias=c.bias,
                         generator=torch.Generator().manual_seed(c.seed), cell=c.cell).to(self.device)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=c.lr, betas=c.betas)
        self.epoch = 0
        self.history: list[dict] = []
        self.best = (math.inf, -1, None)  # (val loss, epoch, state dict copy)
        self.wall = 0.0

    # --- persistence -------------------------------------------------------------------------
    @property
    def state_path(self) -> Path:
        return self.out / "state.pt"

    def start_from(self, path, change: tuple[str, ...] = ()) -> None:
        """Start from a trained checkpoint's weights at its epoch, with a fresh Adam state (the optimizer state of
        a finished run is not kept). Per-epoch draws depend on (seed, epoch) only, so epochs after the checkpoint
        see the data order and noise an uninterrupted run would have seen; only Adam's moments differ. ``change``:
        the optimizer settings ("lr", "clip") this run may set otherwise than the checkpoint's (an intervention on
        the training, recorded in continue_from); any other difference is refused."""
        from .checkpoint import load
        ck = load(path, cell=self.cfg.cell)  # a checkpoint of another cell: one-line CheckpointError
        if (ck.cell, ck.model.has_bias) != (self.cfg.cell, self.cfg.bias):
            raise SystemExit(f"{path}: a {_net(ck.cell, ck.model.has_bias)} network, but this run trains a "
                             f"{_net(self.cfg.cell, self.cfg.bias)} one (--cell, --bias)")
        mine = {k: v for k, v in asdict(self.cfg).items() if k in ("hidden", "inputs", "seed", "seq_len", "batch",
                                                                      "lr", "clip", "n_sequences", "blur", "loss")}
        theirs = {"loss": "sinkhorn", **ck.meta.get("training", {})}  # a run before the loss option: Sinkhorn
        changed = {k: [theirs[k], v] for k, v in mine.items() if k in change and k in theirs and theirs[k] != v}
        diff = sorted(k for k, v in mine.items() if k in theirs and theirs[k] != v and k not in changed)
        if ck.meta.get("hmm") and HMM.from_json(ck.meta["hmm"]).to_json() != self.hmm.to_json():
            diff.insert(0, "hmm")
        if diff:
            raise SystemExit(f"{path}: trained with a different configuration ({', '.join(diff)})")
        epoch = int(ck.meta.get("epoch", 0))
        if epoch >= self.cfg.epochs:
            raise SystemExit(f"{path}: already at epoch {epoch}; ask for more --epochs than that")
        self.model.load_state_dict(ck.model.state_dict())
        self.model.requires_grad_(True)
        self.epoch = epoch
        self.history = [dict(h) for h in run_history(path, ck.meta) or []][:epoch]  # inline, or history.json beside it
        self.wall = float(ck.meta.get("wall_seconds", 0.0))
        self.cfg.continue_from = {"path": str(path), "sha256": ck.sha256, "epoch": epoch,
                                  **({"changed": changed} if changed else {})}
        if self.history:
            best = min(self.history, key=lambda h: h["val"])
            self.best = (best["val"], best["epoch"], None)

    def resume(self) -> bool:
        for tmp in [*self.out.glob(".*.tmp"), *self.out.glob("evolution/.*.tmp")]:  # left by a killed write
            tmp.unlink(missing_ok=True)
        if not self.state_path.exists():
            return False
        st = torch.load(self.state_path, map_location=self.device, weights_only=False)
        free = ("epochs", "device", "continue_from")  # continue_from is restored from the state, not compared
        # a state written before a field existed ran with that field's default
        saved = {**{k: v for k, v in asdict(TrainConfig()).items() if k not in st["config"]}, **st["config"]}
        saved = {k: v for k, v in saved.items() if k not in free}
        mine = {k: v for k, v in asdict(self.cfg).items() if k not in free}
        mine["betas"] = list(mine["betas"])
        saved["betas"] = list(saved["betas"])
        if (saved["cell"], saved["bias"]) != (mine["cell"], mine["bias"]):
            was, now = _net(saved["cell"], saved["bias"]), _net(mine["cell"], mine["bias"])
            raise SystemExit(f"{self.state_path}: run was started with a {was} network, not a {now} one: "
                             "train it into another --out (or --restart)")
        if saved != mine:
            diff = sorted(k for k in mine if saved.get(k) != mine[k])
            raise SystemExit(f"{self.state_path}: run was started with a different configuration ({', '.join(diff)})")
        self.cfg.continue_from = st["config"].get("continue_from")
        self.model.load_state_dict(st["model"])
        self.opt.load_state_dict(st["optimizer"])
        self.epoch, self.history, self.wall = st["epoch"], st["history"], st["wall"]
        self.best = (st["best_val"], st["best_epoch"], st["best_model"])
        return True

    def _meta(self, epoch: int, kind: str) -> dict:
        c = self.cfg
        net = "" if (c.cell, c.bias) == ("relu", False) else f"-{c.cell}" + ("-bias" if c.bias else "")
        return {"name": f"{self.hmm.name.replace(':', '')}-h{c.hidden}-d{c.inputs}{net}-seed{c.seed}",
                "kind": kind, "epoch": epoch, "hmm": self.hmm.to_json(), "seed": c.seed,
                "training": {k: v for k, v in asdict(c).items() if k != "hmm_json"},
                "history": self.history, "wall_seconds": round(self.wall, 1),
                "device": _device_name(self.device), "hmmrnn": __version__,
                "python": platform.python_version(), **self._rule()}

    def _rule(self) -> dict:
        """The convergence rule and its parameters, in the metadata of a run trained --until-converged."""
        if not self.cfg.until_converged:
            return {}
        from .analysis import convergence as cv
        return {"convergence_rule": {"module": "hmmrnn.analysis.convergence", "plateau": "located on the curve",
                                     "plateau_length": cv.PLATEAU_LENGTH, "window": cv.WINDOW, "descent": cv.DESCENT, "flat": cv.FLAT,
                                     "checked_every": self.cfg.evolution_every,
                                     "consecutive_checks": self.cfg.until_converged,
                                     "converged": self._stop()}}

    def _checkpoint_state(self) -> None:
        atomic_torch_save({"config": asdict(self.cfg), "model": self.model.state_dict(),
                           "optimizer": self.opt.state_dict(), "epoch": self.epoch, "history": self.history,
                           "wall": self.wall, "best_val": self.best[0], "best_epoch": self.best[1],
                           "best_model": self.best[2]}, self.state_path)

    def _save_evolution(self) -> None:
        save(evolution_path(self.out, self.epoch, ext=""), self.model, self._meta(self.epoch, "evolution"))

    def _stop(self) -> bool:
        """With until_converged: the rule held at that many consecutive checks (the run is done)."""
        return bool(self.cfg.until_converged and self.history
                    and self.history[-1].get("convergence_streak", 0) >= self.cfg.until_converged)

    # --- one epoch -------------------------------------------------------------------------
    def run_epoch(self) -> dict:
        c, e = self.cfg, self.epoch + 1
        self.model.train()
        perm = torch.randperm(len(self.train_data), generator=_gen(c.seed, e, 0)).to(self.device)
        g_noise, g_gumbel = _gen(c.seed, e, 1, self.device), _gen(c.seed, e, 2, self.device)
        losses, sizes = [], []
        for s in range(0, len(perm), c.batch):
            target = self.train_data[perm[s : s + c.batch]]
            y = rnn_sequences(self.model, len(target), c.seq_len, g_noise, g_gumbel, self.device)
            loss = sequence_loss(c.loss, y, target, c.blur)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            if c.clip:
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), c.clip)
            self.opt.step()
            losses.append(loss.item())
            sizes.append(len(target))
        train = float(np.average(losses, weights=sizes))
        return {"epoch": e, "train": train, "val": self.validate(e)}

    @torch.no_grad()
    def validate(self, epoch: int) -> float:
        c = self.cfg
        self.model.eval()
        g_noise, g_gumbel = _gen(c.seed, epoch, 3, self.device), _gen(c.seed, epoch, 4, self.device)
        losses, sizes = [], []
        for s in range(0, len(self.val_data), c.batch):
            target = self.val_data[s : s + c.batch]
            y = rnn_sequences(self.model, len(target), c.seq_len, g_noise, g_gumbel, self.device)
            losses.append(sequence_loss(c.loss, y, target, c.blur).item())
            sizes.append(len(target))
        return float(np.average(losses, weights=sizes))

    def converged(self) -> dict | None:
        """The convergence rule (analysis.convergence) on the run so far, checked at evolution epochs; the
        rule's statistics with ``streak``: consecutive checks at which it held. None before it can be judged."""
        from .analysis.convergence import MIN_EPOCHS, convergence
        if len(self.history) < MIN_EPOCHS:
            return None
        probe = copy.deepcopy(self.model).cpu().eval()
        with torch.no_grad():
            got = convergence(probe, self.hmm, self.history, seed=self.cfg.seed * 1_000_003 + self.epoch)
        prev = self.history[-2].get("convergence_streak", 0) if len(self.history) > 1 else 0
        got["streak"] = prev + 1 if got["converged"] else 0
        return got

    def record(self, rec: dict) -> None:
        """The bookkeeping of one finished epoch (rec: epoch, train, val, seconds): history, the best weights, the
        evolution checkpoint with the convergence check, the resumable state."""
        c = self.cfg
        self.epoch = rec["epoch"]
        self.wall += rec["seconds"]
        self.history.append(rec)
        if rec["val"] < self.best[0]:  # a real copy, not a reference to live weights
            self.best = (rec["val"], self.epoch, {k: v.detach().clone() for k, v in self.model.state_dict().items()})
        if self.epoch % c.evolution_every == 0 or self.epoch == c.epochs:
            if c.until_converged:
                conv = self.converged()
                rec["convergence_streak"] = conv["streak"] if conv else 0
                if conv:
                    rec["converged"] = conv["converged"]
            self._save_evolution()
        elif c.until_converged and len(self.history) > 1:
            rec["convergence_streak"] = self.history[-2].get("convergence_streak", 0)
        self._checkpoint_state()

    def fit(self, progress: bool = True) -> Path:
        """Train up to cfg.epochs (with until_converged: until the convergence rule holds at that many
        consecutive evolution epochs, at most cfg.epochs); returns the path of the final checkpoint."""
        tune_malloc()
        c = self.cfg
        self.out.mkdir(parents=True, exist_ok=True)
        if self.epoch == 0 and not evolution_path(self.out, 0).exists():
            self._save_evolution()
        bar = _progress(self.epoch, c.epochs, progress)
        while self.epoch < c.epochs and not self._stop():
            t0 = time.perf_counter()
            try:
                rec = self.run_epoch()
            except TrainingDiverged as e:  # keep what was learnt up to the last finite epoch, then stop
                atomic_write_json(self.out / "history.json", self.history)
                last = ", ".join(format(h["val"], ".3g") for h in self.history[-5:])
                raise TrainingDiverged(f"epoch {self.epoch + 1}: {e}; training diverged (validation loss of the "
                                       f"last epochs: {last}); {self.state_path} holds epoch {self.epoch}") from None
            rec["seconds"] = round(time.perf_counter() - t0, 3)
            self.record(rec)
            bar(rec)
        final = save(self.out / "final", self.model, self._meta(self.epoch, "final"))
        if c.until_converged:
            print(f"hmmrnn train: {'converged' if self._stop() else 'not converged'} at epoch {self.epoch}",
                  file=sys.stderr)
        if self.best[2] is not None:  # None when no epoch has run (epochs=0)
            best_model = RNN(c.hidden, c.inputs, self.hmm.n_outputs, bias=c.bias, cell=c.cell)
            best_model.load_state_dict(self.best[2])
            save(self.out / "best", best_model, dict(self._meta(self.best[1], "best-validation")))
        atomic_write_json(self.out / "history.json", self.history)
        return Path(final.path)


def _net(cell: str, bias: bool) -> str:
    """'relu' / 'biased gru': a network's cell and bias in words."""
    return f"biased {cell}" if bias else cell


def _device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return f"cpu ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def _progress(start: int, total: int, enabled: bool):
    """A progress bar on a terminal; one line per epoch otherwise (logs of background runs)."""
    if enabled and sys.stderr.isatty():
        from tqdm import tqdm
        bar = tqdm(total=total, initial=start, unit="epoch", dynamic_ncols=True)

        def update(rec):
            bar.set_postfix(train=f"{rec['train']:.4f}", val=f"{rec['val']:.4f}")
            bar.update(1)
            if rec["epoch"] == total:
                bar.close()
        return update
    t_start, n_start = time.perf_counter(), start

    def line(rec):
        if not enabled:
            return
        done = rec["epoch"] - n_start
        eta = (time.perf_counter() - t_start) / max(done, 1) * (total - rec["epoch"])
        print(f"epoch {rec['epoch']}/{total}  train {rec['train']:.5f}  val {rec['val']:.5f}  "
              f"{rec['seconds']:.1f}s/epoch  eta {eta / 60:.1f} min", file=sys.stderr, flush=True)
    return line
