"""Batched multi-seed training: N seeds of one configuration trained as one stacked model on one device.

Each seed is a ``Trainer`` (its data, initialisation, run folder, history, best copy, state.pt, metadata); what
is batched is the arithmetic of an epoch. The weights of the seeds are stacked, W_ih [N, H, d], W_hh [N, H, H],
W_o [N, O, H], and the rollout runs as batched matrix products; every random draw is the seed's own, from the
same (seed, epoch, purpose) generators, in the same order, as ``Trainer.run_epoch`` and ``Trainer.validate``
draw them; the Sinkhorn divergence is computed per seed and the losses are summed, so each seed's gradient
is its own; the gradient is clipped per seed (each seed's global norm over its own slices); one Adam steps
the stacked parameters (elementwise: the same as N optimizers). After every epoch the stack's rows are copied
back into the seeds' Trainers, which write their folders exactly as ``Trainer.fit`` does, so a seed's
folder is read by every tool, and resumed by this trainer or by ``Trainer``.

The numbers equal a lone Trainer's up to float reduction order: torch.bmm may sum in another order than the
lone run's torch.mm (on this CPU: bitwise equal for most batch sizes, 6e-8 apart in the logits for some small
ones). The per-seed clip norm is clip_grad_norm_'s own computation, so it adds no difference of its own.
``tests/test_batched.py`` compares the two and states the tolerance.
"""
from __future__ import annotations

import copy
import statistics
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch

from .limits import F32, RolloutTooLarge, budget_bytes, gib, training_bytes
from .rnn import TINY, draw_noise, hard_gumbel_softmax
from .runs import evolution_path
from .sinkhorn import sinkhorn_divergences
from .train import TrainConfig, Trainer, _gen, tune_malloc

PARAMS = ("weight_ih", "weight_hh", "weight_o")  # the RNN's parameters, in its (and its optimizer's) order


# ---------------------------------------------------------------------------------------------- pure pieces
def stacked_logits(w_ih: torch.Tensor, w_hh: torch.Tensor, w_o: torch.Tensor,
                   noise: list[torch.Tensor]) -> torch.Tensor:
    """Output logits [N, B, T, O] of N bias-free ReLU RNNs, network k driven by noise[k] [B, T, d].

    w_ih [N, H, d], w_hh [N, H, H], w_o [N, O, H]. h_0 = 0, h_t = relu(W_ih x_t + W_hh h_{t-1}) with the kink at
    rnn.TINY, logits_t = W_o h_t: ``rnn.rollout(record="logits")`` of each network, the recurrence and readout
    as batched matrix products. The input drive is one matmul per network, the same as rollout's, time-major,
    and is unbound per step (no full-size gradient copy per step in the backward pass).
    """
    if not (len(noise) == len(w_ih) == len(w_hh) == len(w_o)):
        raise ValueError(f"{len(noise)} noise tensors for {len(w_ih)} networks")
    drive = torch.stack([x.transpose(0, 1) @ w.T for x, w in zip(noise, w_ih)], 1)  # [T, N, B, H]
    N, B, H = drive.shape[1], drive.shape[2], w_hh.shape[1]
    h = torch.zeros(N, B, H, dtype=w_hh.dtype, device=w_hh.device)
    w_hh_t, w_o_t = w_hh.transpose(1, 2), w_o.transpose(1, 2)
    logits = []
    for d_t in drive.unbind(0):
        h = torch.nn.functional.threshold(torch.bmm(h, w_hh_t) + d_t, TINY, 0.0)
        logits.append(torch.bmm(h, w_o_t))
    return torch.stack(logits, 2)


def clip_per_seed_(params: list[torch.Tensor], max_norm: float) -> torch.Tensor:
    """torch.nn.utils.clip_grad_norm_ applied to each seed separately, in place; returns the norms [N].

    params: stacked parameters [N, ...] with gradients. Seed k's norm is the 2-norm of the norms of its slices
    p.grad[k], computed by clip_grad_norm_'s own function (``get_total_norm``) on those slices, so it is the
    norm a lone Trainer computes, to the bit (a batched norm over dim 1 sums in another order: 1 ulp apart in
    about 15% of cases); the slices are scaled by min(1, max_norm / (norm + 1e-6)), clip_grad_norm_'s formula.
    """
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return torch.zeros(0)
    total = torch.stack([_total_norm([g[k] for g in grads]) for k in range(len(grads[0]))])  # [N]
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    for g in grads:
        g.mul_(coef.reshape(-1, *[1] * (g.dim() - 1)).to(g.dtype))
    return total


def _total_norm(tensors: list[torch.Tensor]) -> torch.Tensor:
    """The 2-norm of the tensors' norms, as clip_grad_norm_ computes it (torch >= 2.6 exposes its function)."""
    get = getattr(torch.nn.utils, "get_total_norm", None)
    if get is not None:
        return get(tensors, 2.0)
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(t, 2) for t in tensors]), 2)


def batched_training_bytes(n_seeds: int, n_sequences: int, seq_len: int, batch: int, hidden: int, inputs: int,
                           outputs: int) -> int:
    """Peak memory of a batched training step, estimated: per seed its data set (as limits.training_bytes counts
    it) and one batch's rollout (noise [B, L, d]; input drive and its gradient, pre-activations and states kept
    for the backward pass, [B, L, H] each; logits, Gumbel draws and outputs [B, L, O]); plus one seed's Sinkhorn
    matrices (at the least: sinkhorn_chunk batches as many seeds' losses as the budget leaves room for)."""
    B = min(batch, max(n_sequences // 3, 1))
    data = training_bytes(n_sequences, seq_len, 0, hidden, inputs, outputs)  # batch 0: the data set alone
    rollout = F32 * B * seq_len * (inputs + 4 * hidden + 4 * outputs)
    return n_seeds * (data + rollout) + 6 * F32 * B * B


def sinkhorn_chunk(n_seeds: int, cfg: TrainConfig) -> int:
    """How many seeds' Sinkhorn losses are computed as one batch: as many as the memory budget holds beside the
    rollouts (6 dense [B, B] matrices per seed), at least 1. On a GPU one batched loop instead of one per seed
    is what keeps the device busy (a lone divergence is many small kernels)."""
    B = min(cfg.batch, max(cfg.n_sequences // 3, 1))
    per_seed = 6 * F32 * B * B
    rest = budget_bytes() - batched_training_bytes(n_seeds, cfg.n_sequences, cfg.seq_len, cfg.batch, cfg.hidden,
                                                   cfg.inputs, cfg.target().n_outputs) + per_seed
    return int(min(n_seeds, max(1, rest // per_seed)))


def check_batched(n_seeds: int, cfg: TrainConfig) -> None:
    """RolloutTooLarge (one line) when N seeds of this resolved configuration would not fit the memory budget."""
    need = batched_training_bytes(n_seeds, cfg.n_sequences, cfg.seq_len, cfg.batch, cfg.hidden, cfg.inputs,
                                  cfg.target().n_outputs)
    if need > budget_bytes():
        raise RolloutTooLarge(f"{n_seeds} seeds of this configuration would need about {gib(need)} together, over "
                              f"the memory budget of {gib(budget_bytes())} (HMMRNN_MEMORY_GIB): train fewer seeds "
                              f"at a time, or lower --batch or --n-sequences")


def check_seeds(cfgs: list[TrainConfig], outs: list[Path]) -> None:
    """ValueError (one line) unless cfgs are one configuration with distinct seeds, one distinct folder each."""
    if not cfgs:
        raise ValueError("no seeds to train")
    if (cfgs[0].cell, cfgs[0].bias) != ("relu", False):
        net = f"{'biased ' if cfgs[0].bias else ''}{cfgs[0].cell}"
        raise ValueError(f"batched training (--seeds) supports the bias-free relu cell only: train a {net} network "
                         "one seed at a time (--seed, --out)")
    if len(cfgs) != len(outs):
        raise ValueError(f"{len(cfgs)} configurations but {len(outs)} output folders")
    seeds = [c.seed for c in cfgs]
    twice = sorted({s for s in seeds if seeds.count(s) > 1})
    if twice:
        raise ValueError(f"seed(s) {', '.join(map(str, twice))} given twice: seeds of a batch must differ")
    base = {k: v for k, v in asdict(cfgs[0]).items() if k != "seed"}
    for c in cfgs[1:]:
        diff = sorted(k for k, v in asdict(c).items() if k != "seed" and base[k] != v)
        if diff:
            raise ValueError(f"seed {c.seed} differs from seed {cfgs[0].seed} in {', '.join(diff)}: "
                             f"a batch trains one configuration")
    folders = [Path(o).resolve() for o in outs]
    if len(set(folders)) != len(folders):
        raise ValueError("two seeds share an output folder")


# ---------------------------------------------------------------------------------------------- the stack
@dataclass
class Stack:
    """The weights of several seeds stacked ([n, H, d], [n, H, H], [n, O, H], leaves) and one Adam over them.
    ``members``: the positions of the seeds in BatchedTrainer.trainers, row by row."""

    members: list[int]
    params: list[torch.Tensor]
    opt: torch.optim.Optimizer


def _slice_state(state: dict, row: int) -> dict:
    """An Adam state of stacked parameters -> one row's (per-parameter scalars, e.g. step, copied as they are)."""
    return {i: {k: (v[row] if v.dim() else v).clone() for k, v in s.items()} for i, s in state.items()}


def adam_step(trainer: Trainer) -> int:
    """How many steps the seed's Adam has taken (0: fresh, e.g. a run continued from a checkpoint)."""
    st = trainer.opt.state_dict()["state"]
    return int(st[0]["step"]) if st else 0


def stack_trainers(trainers: list[Trainer], members: list[int]) -> Stack:
    """The stack of the given seeds' current weights and Adam states (their steps must be equal)."""
    ts = [trainers[k] for k in members]
    params = [torch.stack([getattr(t.model, n).detach() for t in ts]).requires_grad_(True) for n in PARAMS]
    if len({adam_step(t) for t in ts}) > 1:
        raise ValueError("seeds with different Adam step counts cannot share a stack")
    sds = [t.opt.state_dict() for t in ts]
    state = {i: {k: (torch.stack([sd["state"][i][k] for sd in sds]) if v.dim() else v.clone()) for k, v in s.items()}
             for i, s in sds[0]["state"].items()}
    return Stack(list(members), params, _adam(params, state, sds[0]["param_groups"]))


def _adam(params: list[torch.Tensor], state: dict, groups: list[dict]) -> torch.optim.Adam:
    """An Adam over params holding the given state (stacked or sliced) and hyperparameters (a state dict's)."""
    opt = torch.optim.Adam(params)
    opt.load_state_dict({"state": state, "param_groups": copy.deepcopy(groups)})
    return opt


def keep_rows(stack: Stack, rows: list[int]) -> Stack:
    """The stack of some of its rows (weights and Adam state), e.g. without a diverged seed."""
    params = [p.detach()[rows].clone().requires_grad_(True) for p in stack.params]
    sd = stack.opt.state_dict()
    idx = torch.tensor(rows, dtype=torch.long)
    state = {i: {k: (v.index_select(0, idx.to(v.device)) if v.dim() else v.clone()) for k, v in s.items()}
             for i, s in sd["state"].items()}
    return Stack([stack.members[r] for r in rows], params, _adam(params, state, sd["param_groups"]))


def unstack_into(stack: Stack, row: int, trainer: Trainer, opt_state: dict | None = None) -> None:
    """Copy one row of the stack (weights and Adam state) into its seed's Trainer, as if that Trainer had
    trained alone. opt_state: ``stack.opt.state_dict()`` when already taken."""
    sd = opt_state if opt_state is not None else stack.opt.state_dict()
    with torch.no_grad():
        for n, p in zip(PARAMS, stack.params):
            getattr(trainer.model, n).copy_(p[row])
    trainer.opt.load_state_dict({"state": _slice_state(sd["state"], row),
                                 "param_groups": copy.deepcopy(sd["param_groups"])})


@dataclass
class _Lane:
    """One seed's row in the stack during one epoch: its position, Trainer and (seed, epoch) generators."""

    index: int
    trainer: Trainer
    g_noise: torch.Generator
    g_gumbel: torch.Generator
    perm: torch.Tensor | None = None


# ---------------------------------------------------------------------------------------------- the trainer
class BatchedTrainer:
    """Train the seeds of one configuration (cfgs differ only in seed) as one batched model, seed k into
    outs[k], each folder as ``Trainer`` writes it. A seed whose outputs stop being finite is dropped (its
    state.pt keeps its last finite epoch, one line is logged) and the others go on."""

    def __init__(self, cfgs: list[TrainConfig], outs: list[Path], log=print):
        check_seeds(cfgs, outs)
        check_batched(len(cfgs), cfgs[0].resolved())
        self.log = log
        self.trainers = [Trainer(c, Path(o), log=log) for c, o in zip(cfgs, outs)]
        self.cfg = self.trainers[0].cfg
        self.device = self.trainers[0].device
        self.chunk = sinkhorn_chunk(len(cfgs), self.cfg)  # seeds per batched Sinkhorn loss
        self.diverged: dict[int, str] = {}  # position -> the line logged when the seed was dropped
        self.finals: dict[int, Path] = {}  # position -> final.pt of a finished seed
        self.timing = {"epochs": 0.0, "writes": 0.0, "seed_epochs": 0}  # seconds in epochs, in bookkeeping
        self._stack: Stack | None = None

    @classmethod
    def for_seeds(cls, base: TrainConfig, seeds: list[int], out_root: Path, log=print) -> "BatchedTrainer":
        """The seeds of base's configuration, seed s into OUT_ROOT/NAME (runs.run_name: linear2-seed3)."""
        from .runs import run_name
        return cls([replace(base, seed=s) for s in seeds], [Path(out_root) / run_name(base.hmm, s) for s in seeds],
                   log=log)

    @property
    def seeds(self) -> list[int]:
        return [t.cfg.seed for t in self.trainers]

    def resume(self) -> list[bool]:
        """Each seed resumes from its folder's state.pt (Trainer.resume: a folder of another configuration is
        a one-line SystemExit); True where it did."""
        self._stack = None
        return [t.resume() for t in self.trainers]

    # --- which seeds train together ----------------------------------------------------------
    def _todo(self) -> list[int]:
        return [k for k, t in enumerate(self.trainers) if k not in self.diverged and k not in self.finals
                and t.epoch < t.cfg.epochs and not t._stop()]

    def _group(self, todo: list[int]) -> list[int]:
        """The seeds to train next: those at the earliest (epoch, Adam step). After an interruption between two
        seeds' writes, or with continued runs, seeds can be at different epochs; the late ones catch up first."""
        key = {k: (self.trainers[k].epoch, adam_step(self.trainers[k])) for k in todo}
        first = min(key.values())
        return [k for k in todo if key[k] == first]

    # --- one epoch -------------------------------------------------------------------------
    def _forward(self, lanes: list[_Lane], noise: list[torch.Tensor], epoch: int, others: list[list]):
        """Logits [n, B, T, O] of the lanes' networks. Seeds whose logits are not finite are dropped (from the
        stack, the lanes, noise and each list in ``others``, in place) and the rest is run again."""
        while lanes:
            logits = stacked_logits(*self._stack.params, noise)
            ok = torch.isfinite(logits).flatten(1).all(1).tolist()
            if all(ok):
                return logits
            keep = [i for i, good in enumerate(ok) if good]
            for i, good in enumerate(ok):
                if not good:
                    self._diverge(lanes[i].index, epoch)
            self._stack = keep_rows(self._stack, keep)
            for seq in (lanes, noise, *others):
                seq[:] = [seq[i] for i in keep]
        return None

    def _diverge(self, k: int, epoch: int) -> None:
        """Drop seed k: its outputs stopped being finite in this epoch. Its Trainer (and state.pt) keep its last
        finite epoch, as a lone Trainer's would; history.json is written; one line is logged."""
        from .checkpoint import atomic_write_json
        t = self.trainers[k]
        atomic_write_json(t.out / "history.json", t.history)
        last = ", ".join(format(h["val"], ".3g") for h in t.history[-5:])
        line = (f"seed {t.cfg.seed}: epoch {epoch}: the network's output logits are not finite; training diverged "
                f"(validation loss of the last epochs: {last}); {t.state_path} holds epoch {t.epoch}; "
                f"the other seeds go on")
        self.diverged[k] = line
        self.log(line)

    def _train_part(self, lanes: list[_Lane], epoch: int) -> dict[int, float]:
        """One pass over the lanes' training data (Trainer.run_epoch's loop); mean loss per position."""
        c = self.cfg
        losses: dict[int, list] = {ln.index: [] for ln in lanes}
        sizes: list[int] = []
        for s in range(0, len(lanes[0].trainer.train_data), c.batch):
            targets = [ln.trainer.train_data[ln.perm[s : s + c.batch]] for ln in lanes]
            noise = [draw_noise(len(tg), c.seq_len, c.inputs, ln.g_noise, device=self.device)
                     for ln, tg in zip(lanes, targets)]
            logits = self._forward(lanes, noise, epoch, [targets])
            if logits is None:
                break
            ys = [hard_gumbel_softmax(logits[i], ln.g_gumbel).reshape(len(tg), -1)
                  for i, (ln, tg) in enumerate(zip(lanes, targets))]
            # a chunk of seeds' Sinkhorn graphs at a time (their losses batched): each seed's gradient with respect
            # to its outputs, then one backward pass through the stacked rollout; the same gradients as the
            # backward pass of the summed losses, with one chunk's dense matrices alive at a time
            got, grads = [], []
            for i in range(0, len(ys), self.chunk):
                loss = sinkhorn_divergences(torch.stack(ys[i : i + self.chunk]), torch.stack(targets[i : i + self.chunk]),
                                            blur=c.blur)
                grads += torch.autograd.grad(loss.sum(), ys[i : i + self.chunk])
                got += list(loss.detach())
            for p in self._stack.params:
                p.grad = None
            torch.autograd.backward(ys, grads)
            if c.clip:
                clip_per_seed_(self._stack.params, c.clip)
            self._stack.opt.step()
            for ln, v in zip(lanes, torch.stack(got).tolist()):
                losses[ln.index].append(v)
            sizes.append(len(targets[0]))
        return {ln.index: float(np.average(losses[ln.index], weights=sizes)) for ln in lanes}

    @torch.no_grad()
    def _validate(self, lanes: list[_Lane], epoch: int) -> dict[int, float]:
        """Trainer.validate for every lane: the validation loss per position."""
        c = self.cfg
        for ln in lanes:
            ln.g_noise, ln.g_gumbel = _gen(ln.trainer.cfg.seed, epoch, 3, self.device), \
                _gen(ln.trainer.cfg.seed, epoch, 4, self.device)
        losses: dict[int, list] = {ln.index: [] for ln in lanes}
        sizes: list[int] = []
        n_val = len(lanes[0].trainer.val_data)
        for s in range(0, n_val, c.batch):
            targets = [ln.trainer.val_data[s : s + c.batch] for ln in lanes]
            noise = [draw_noise(len(tg), c.seq_len, c.inputs, ln.g_noise, device=self.device)
                     for ln, tg in zip(lanes, targets)]
            logits = self._forward(lanes, noise, epoch, [targets])
            if logits is None:
                break
            ys = [hard_gumbel_softmax(logits[i], ln.g_gumbel).reshape(len(tg), -1)
                  for i, (ln, tg) in enumerate(zip(lanes, targets))]
            got = [v for i in range(0, len(ys), self.chunk) for v in sinkhorn_divergences(
                torch.stack(ys[i : i + self.chunk]), torch.stack(targets[i : i + self.chunk]), blur=c.blur)]
            for ln, v in zip(lanes, torch.stack(got).tolist()):
                losses[ln.index].append(v)
            sizes.append(len(targets[0]))
        return {ln.index: float(np.average(losses[ln.index], weights=sizes)) for ln in lanes}

    def run_epoch(self) -> dict[int, dict]:
        """One epoch of the stacked seeds (all at the same epoch): {position: {"epoch", "train", "val"}} for the
        seeds that stayed finite. Each seed's draws are Trainer.run_epoch's and Trainer.validate's."""
        members = self._stack.members
        e = self.trainers[members[0]].epoch + 1
        lanes = []
        for k in members:
            t = self.trainers[k]
            perm = torch.randperm(len(t.train_data), generator=_gen(t.cfg.seed, e, 0)).to(self.device)
            lanes.append(_Lane(k, t, _gen(t.cfg.seed, e, 1, self.device), _gen(t.cfg.seed, e, 2, self.device), perm))
        train = self._train_part(lanes, e)
        val = self._validate(lanes, e) if lanes else {}
        return {ln.index: {"epoch": e, "train": train[ln.index], "val": val[ln.index]} for ln in lanes}

    # --- bookkeeping, as Trainer.fit ---------------------------------------------------------------
    def _record(self, k: int, rec: dict) -> None:
        """Trainer.fit's bookkeeping of one finished epoch of seed k (its Trainer already holds the weights)."""
        self.trainers[k].record(rec)

    def _finish(self, k: int) -> None:
        """A seed that is done: Trainer.fit with nothing left to train writes final.pt, best.pt, history.json."""
        self.finals[k] = self.trainers[k].fit(progress=False)

    def fit(self, progress: bool = True) -> list[Path | None]:
        """Train every seed up to cfg.epochs (with until_converged: until its rule holds); returns each seed's
        final.pt, None for a seed that diverged (self.diverged holds its line)."""
        tune_malloc()
        for t in self.trainers:
            t.out.mkdir(parents=True, exist_ok=True)
            if t.epoch == 0 and not evolution_path(t.out, 0).exists():
                t._save_evolution()
        line = _progress_line(self, progress)
        while True:
            todo = self._todo()
            for k in [k for k, t in enumerate(self.trainers) if k not in self.diverged and k not in self.finals
                      and k not in todo]:
                self._finish(k)
            if not todo:
                break
            group = self._group(todo)
            if self._stack is None or self._stack.members != group:
                self._stack = stack_trainers(self.trainers, group)
            t0 = time.perf_counter()
            recs = self.run_epoch()
            t1 = time.perf_counter()
            sd = self._stack.opt.state_dict()
            for row, k in enumerate(self._stack.members):
                unstack_into(self._stack, row, self.trainers[k], sd)
                recs[k]["seconds"] = round(t1 - t0, 3)  # the batched epoch's wall time, as each seed lived it
                self._record(k, recs[k])
            self.timing["epochs"] += t1 - t0
            self.timing["writes"] += time.perf_counter() - t1
            self.timing["seed_epochs"] += len(recs)
            if recs:
                line(recs)
        return [self.finals.get(k) for k in range(len(self.trainers))]


def _progress_line(bt: BatchedTrainer, enabled: bool):
    """One line per batched epoch on stderr: seeds, median losses, the best seed's, speed, time left."""
    t_start = time.perf_counter()
    done0 = sum(t.epoch for t in bt.trainers)

    def line(recs: dict[int, dict]):
        if not enabled:
            return
        e = next(iter(recs.values()))["epoch"]
        left = sum(max(bt.cfg.epochs - t.epoch, 0) for k, t in enumerate(bt.trainers)
                   if k not in bt.diverged and k not in bt.finals)
        done = sum(t.epoch for t in bt.trainers) - done0
        rate = done / max(time.perf_counter() - t_start, 1e-9)
        val = [r["val"] for r in recs.values()]
        print(f"epoch {e}/{bt.cfg.epochs}  {len(recs)} seeds  train {statistics.median(r['train'] for r in recs.values()):.5f}"
              f"  val {statistics.median(val):.5f} (best {min(val):.5f})  {rate:.2f} seed-epochs/s  "
              f"eta {left / max(rate, 1e-9) / 60:.1f} min", file=sys.stderr, flush=True)
    return line


# ---------------------------------------------------------------------------------------------- command line
def train_command(cfg: TrainConfig, seeds: str, out_root: Path) -> str:
    """The ``hmmrnn train`` command that trains (or resumes) these seeds batched: a manifest entry's provenance."""
    cmd = (f"hmmrnn train --hmm {cfg.hmm} --hidden {cfg.hidden} --input {cfg.inputs} --epochs {cfg.epochs} "
           f"--seeds {seeds} --batch {cfg.batch} --n-sequences {cfg.n_sequences} --evolution-every {cfg.evolution_every}")
    extra = [(cfg.seq_len, "--seq-len"), (cfg.until_converged, "--until-converged")]
    clip = f" --clip {cfg.clip}" if cfg.clip is not None else ""  # 0 (no clipping) is said too
    return cmd + "".join(f" {flag} {v}" for v, flag in extra if v) + clip + f" --out-root {out_root}"
