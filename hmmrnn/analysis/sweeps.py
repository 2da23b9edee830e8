"""Paper 3.2 and App. B: claims about training, decided over a folder of training runs (P6, P7, P10, P11, P13).

A run is what ``hmmrnn train`` leaves in a folder (hmmrnn.runs): ``final.json`` (kind "final", the
training configuration under "training") with the loss history inline or in ``history.json`` beside it. A run
whose outputs stopped being finite leaves ``history.json`` and no ``final.json``: it is counted as diverged
(its configuration read from its newest evolution sidecar or its ``state.pt``). Unfinished training states
(``state.pt`` or ``state-epochNNNN.pt`` alone) are not runs and are never counted. A run is identified by its
own metadata (HMM, hidden size H, input dimension d, sequence length L, clip, loss, seed, and the paper's
training protocol), never by its folder's name; of several runs of one configuration and seed (a run and its
continuation) the longest counts.

A claim names its ``Arm``s (one configuration each, with the seeds and the epoch budget it needs). Each run of
an arm is judged within that budget by the project's convergence rule (analysis.convergence.loss_verdict);
a run that stopped before the budget without converging or diverging (time ran out) does not count: its
seed is still missing. The tests: exact conditional tests of converged fractions (Fisher's, and its trend
form over ordered arms), an exact rank-sum test, and two one-sided Welch t-tests for equivalence.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np

from ..errors import ClaimError
from .convergence import MIN_EPOCHS, loss_verdict

SINKHORN = "sinkhorn"  # the loss of every run hmmrnn.train writes (its metadata has no loss field)
SPIKE = 0.5  # a loss spike: validation loss above (1 + SPIKE) x the median of the 5 epochs before it
SPIKE_LOOKBACK = 5
AFTER_CONTINUATION = 10  # epochs not searched for spikes after a run went on with a fresh Adam state
EXACT_LIMIT = 200_000  # splits enumerated by the exact rank-sum test; beyond, the normal approximation


def _protocol() -> dict:
    """The paper's training settings (REFERENCE section 3) that every run of an arm must share: the
    defaults of hmmrnn.runs.TrainConfig (batch, learning rate, Adam betas, data size, Sinkhorn blur)."""
    from ..runs import TrainConfig
    c = TrainConfig()
    return {"batch": c.batch, "lr": c.lr, "betas": list(c.betas), "n_sequences": c.n_sequences, "blur": c.blur}


@dataclass(frozen=True)
class Run:
    """One training run, from its own metadata. ``status``: finished (final.json) or diverged."""

    path: str
    hmm: str
    hidden: int
    inputs: int
    seq_len: int
    clip: float
    loss: str
    seed: int
    epochs: int  # epochs trained
    status: str
    protocol: dict
    continued_at: int | None = None  # the epoch it went on from another run's weights (fresh Adam state)
    history: list = field(default_factory=list, repr=False, compare=False)

    @property
    def key(self) -> tuple:
        """What makes two runs the same configuration and seed."""
        return (self.hmm, self.hidden, self.inputs, self.seq_len, round(self.clip, 9), self.loss,
                json.dumps(self.protocol, sort_keys=True), self.seed)


@dataclass(frozen=True)
class Arm:
    """A configuration a claim needs runs of: the seeds, trained for ``epochs`` epochs. ``unavailable``:
    why this harness cannot train it (said in the missing-runs message)."""

    hmm: str
    hidden: int
    inputs: int
    seq_len: int
    clip: float
    epochs: int
    seeds: tuple[int, ...]
    loss: str = SINKHORN
    unavailable: str = ""

    def fields(self) -> list[tuple[str, str]]:
        return [("hmm", self.hmm), ("H", f"H={self.hidden}"), ("d", f"d={self.inputs}"), ("L", f"L={self.seq_len}"),
                ("clip", f"clip={self.clip:g}"), ("loss", f"loss={self.loss}")]

    def describe(self) -> str:
        return " ".join(v for _, v in self.fields()) + f", {self.epochs} epochs"

    def matches(self, run: Run, protocol: dict) -> bool:
        return (run.hmm == self.hmm and run.hidden == self.hidden and run.inputs == self.inputs
                and run.seq_len == self.seq_len and math.isclose(run.clip, self.clip, abs_tol=1e-9)
                and run.loss == self.loss and run.protocol == protocol)


def _read_json(path: Path) -> dict | None:
    try:
        d = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return d if isinstance(d, dict) else None


def _config_of_stopped(folder: Path) -> dict | None:
    """The metadata of a run that left no final.json: its newest evolution sidecar, else its state.pt."""
    sides = sorted((folder / "evolution").glob("epoch_*.json"))
    for side in reversed(sides):
        meta = _read_json(side)
        if meta and meta.get("training"):
            return meta
    if (folder / "state.pt").is_file():
        import torch
        try:
            st = torch.load(folder / "state.pt", map_location="cpu", weights_only=True)
        except Exception:
            return None
        cfg = st.get("config") if isinstance(st, dict) else None
        if isinstance(cfg, dict):
            hmm = cfg.get("hmm_json") or {"name": cfg.get("hmm")}
            return {"training": cfg, "hmm": hmm, "seed": cfg.get("seed")}
    return None


def _run_of(folder: Path, meta: dict, history: list, status: str, protocol_keys) -> Run | str:
    """A Run from a folder's metadata, or why it is not one (a string)."""
    t = meta.get("training")
    if not isinstance(t, dict):
        return "no training configuration in its metadata"
    hmm = (meta.get("hmm") or {}).get("name") or t.get("hmm")
    try:
        epochs = int(meta["epoch"]) if status == "finished" else int(history[-1]["epoch"]) if history else 0
        run = Run(path=str(folder), hmm=str(hmm), hidden=int(t["hidden"]), inputs=int(t["inputs"]),
                  seq_len=int(t["seq_len"]), clip=float(t.get("clip") or 0.0), loss=str(t.get("loss") or SINKHORN),
                  seed=int(t.get("seed", meta.get("seed"))), epochs=epochs, status=status,
                  protocol={k: list(t[k]) if isinstance(t.get(k), (list, tuple)) else t.get(k) for k in protocol_keys},
                  continued_at=int(t["continue_from"]["epoch"]) if isinstance(t.get("continue_from"), dict) else None,
                  history=[h for h in history if int(h["epoch"]) <= epochs])
    except (KeyError, TypeError, ValueError) as e:
        return f"incomplete metadata ({type(e).__name__}: {e})"
    return run


def find_runs(root) -> tuple[list[Run], list[dict]]:
    """The runs under root (any depth), one per configuration and seed, and what was passed over:
    [{"path", "why"}] (unfinished states, controls, runs without a history, duplicates)."""
    from ..runs import run_history
    root = Path(root)
    protocol_keys = tuple(_protocol())
    found: list[Run] = []
    skipped: list[dict] = []
    if not root.is_dir():
        return found, skipped
    folders = sorted({p.parent for pat in ("final.json", "history.json", "state*.pt") for p in root.rglob(pat)
                      if "evolution" not in p.relative_to(root).parts})
    for folder in folders:
        rel = os.path.relpath(folder, root)
        if (folder / "final.json").is_file():
            meta = _read_json(folder / "final.json")
            if meta is None or meta.get("kind") != "final":
                skipped.append({"path": rel, "why": f"final.json of kind {meta.get('kind') if meta else 'unreadable'!r}, "
                                                    "not a trained run"})
                continue
            history = run_history(folder / "final.pt", meta) or []
            status = "finished"
        elif (folder / "history.json").is_file():  # hmmrnn.train writes it without final.json only when a run diverges
            meta = _config_of_stopped(folder)
            history = json.loads((folder / "history.json").read_text())
            if meta is None:
                skipped.append({"path": rel, "why": "history.json without final.json and no configuration beside it"})
                continue
            status = "diverged"
        else:
            skipped.append({"path": rel, "why": "unfinished training state (no final.json): not a run"})
            continue
        if not history:
            skipped.append({"path": rel, "why": "no loss history"})
            continue
        got = _run_of(folder, meta, history, status, protocol_keys)
        if isinstance(got, str):
            skipped.append({"path": rel, "why": got})
        else:
            found.append(got)
    best: dict[tuple, Run] = {}
    for run in found:  # a run and its continuation: the longest counts
        other = best.get(run.key)
        keep, drop = (run, other) if other is None or run.epochs > other.epochs else (other, run)
        best[run.key] = keep
        if drop is not None:
            skipped.append({"path": os.path.relpath(drop.path, root),
                            "why": f"same configuration and seed as {os.path.relpath(keep.path, root)}, which is longer"})
    return sorted(best.values(), key=lambda r: (r.key[:-1], r.seed)), skipped


def loss_spikes(history: list[dict], continued_at: int | None = None, diverged: bool = False) -> int:
    """Loss spikes: epochs whose validation loss exceeds (1 + SPIKE) x the median of the SPIKE_LOOKBACK epochs
    before it, a run of such epochs counted once; the AFTER_CONTINUATION epochs after a continuation (fresh
    Adam state) are passed over; a divergence (outputs no longer finite) is one more."""
    val = np.array([h["val"] for h in history], dtype=float)
    ep = np.array([h["epoch"] for h in history])
    spikes, prev = 0, False
    for i in range(SPIKE_LOOKBACK, len(val)):
        skip = continued_at is not None and continued_at < ep[i] <= continued_at + AFTER_CONTINUATION
        now = not skip and val[i] > (1 + SPIKE) * np.median(val[i - SPIKE_LOOKBACK : i])
        spikes += int(now and not prev)
        prev = now
    return spikes + int(diverged)


def outcome(run: Run, budget: int) -> dict:
    """The run judged within `budget` epochs: converged (the loss rule on its first `budget` epochs), diverged,
    or counted=False when it stopped short of the budget without either (its seed is still missing)."""
    hist = [h for h in run.history if int(h["epoch"]) <= budget]
    last = int(hist[-1]["epoch"]) if hist else 0
    diverged = run.status == "diverged" and run.epochs < budget
    out = {"seed": run.seed, "run": run.path, "epochs": min(run.epochs, budget), "diverged": diverged,
           "converged": False, "counted": True, "why_not": "", "final_loss": None, "descent": None,
           "spikes": loss_spikes(hist, run.continued_at, diverged)}
    out["spikes_per_100"] = 100.0 * out["spikes"] / max(out["epochs"], 1)
    judged = None
    if len(hist) >= MIN_EPOCHS:
        judged = loss_verdict(hist)
        out.update(converged=bool(judged["converged"]) and not diverged, final_loss=judged["final_loss"],
                   descent=judged["descent"], why_not=judged["why_not"])
    if diverged:
        out["why_not"] = f"diverged after epoch {last}"
        out["final_loss"] = None
    elif last < budget and not out["converged"]:
        out.update(counted=False, why_not=f"stopped at epoch {last} of {budget} without converging")
    return out


@dataclass
class Sweep:
    """The runs of a claim's arms: per arm label, the judged runs (one per seed) and the missing seeds."""

    root: str
    arms: dict[str, Arm]
    outcomes: dict[str, list[dict]]
    missing: dict[str, list[int]]
    short: dict[str, list[dict]]
    skipped: list[dict]
    other_runs: int

    @property
    def complete(self) -> bool:
        return not any(self.missing.values())

    def counts(self, label: str) -> tuple[int, int]:
        """(converged, judged) runs of an arm."""
        got = self.outcomes[label]
        return sum(o["converged"] for o in got), len(got)

    def fraction(self, label: str) -> float:
        k, n = self.counts(label)
        return k / n if n else float("nan")

    def values(self, label: str, key: str, missing: float = float("nan")) -> list[float]:
        return [missing if o[key] is None else float(o[key]) for o in self.outcomes[label]]

    def summary(self) -> dict:
        """JSON-able: per arm its configuration, seeds found and converged, per-run outcomes; what was passed over."""
        arms = {}
        for label, arm in self.arms.items():
            k, n = self.counts(label)
            arms[label] = {"config": arm.describe(), "seeds_needed": seed_text(arm.seeds), "found": n,
                           "converged": k, "fraction": k / n if n else None,
                           "missing_seeds": seed_text(self.missing[label]),
                           "runs": [{k2: o[k2] for k2 in ("seed", "run", "epochs", "converged", "diverged", "final_loss",
                                                            "spikes", "why_not")} for o in self.outcomes[label]],
                           "too_short": [{"seed": o["seed"], "run": o["run"], "why": o["why_not"]}
                                         for o in self.short[label]]}
        return {"runs_dir": self.root, "arms": arms, "runs_of_other_configurations": self.other_runs,
                "passed_over": self.skipped[:20], "passed_over_count": len(self.skipped)}

    def plot(self, per_run: str | None = None, per_run_name: str = "") -> dict:
        """Plot data: converged fraction per arm, one statistic per run (optional), validation loss curves."""
        curves = {}
        for label in self.arms:
            curves[label] = [_thin_curve(o["_history"]) for o in self.outcomes[label]]
        d = {"arms": list(self.arms), "converged": [self.counts(a)[0] for a in self.arms],
             "n": [self.counts(a)[1] for a in self.arms], "curves": curves}
        if per_run:
            d["per_run"] = {"name": per_run_name or per_run,
                            "values": {a: self.values(a, per_run) for a in self.arms}}
        return d


def _thin_curve(history: list[dict], points: int = 250) -> list[list[float]]:
    step = max(1, len(history) // points)
    h = history[::step]
    return [[float(x["epoch"]) for x in h], [float(x["val"]) for x in h]]


def seed_text(seeds) -> str:
    """[0, 1, 2, 4] -> '0-2,4'; [] -> ''."""
    s = sorted(set(int(x) for x in seeds))
    parts, i = [], 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[j] + 1:
            j += 1
        parts.append(f"{s[i]}-{s[j]}" if j > i else str(s[i]))
        i = j + 1
    return ",".join(parts)


def gather(root, arms: dict[str, Arm], seed: int | None = None) -> Sweep:
    """The runs under root sorted into the arms, each judged within its arm's budget. (seed: unused; the
    signature of Subject.shared.)"""
    runs, skipped = find_runs(root)
    protocol = _protocol()
    outcomes = {a: [] for a in arms}
    short = {a: [] for a in arms}
    used = set()
    for label, arm in arms.items():
        for run in runs:
            if run.seed in arm.seeds and arm.matches(run, protocol):
                used.add(run.key)
                o = outcome(run, arm.epochs)
                o["_history"] = [h for h in run.history if int(h["epoch"]) <= arm.epochs]
                (outcomes if o["counted"] else short)[label].append(o)
    missing = {a: sorted(set(arm.seeds) - {o["seed"] for o in outcomes[a]}) for a, arm in arms.items()}
    return Sweep(str(root), arms, outcomes, missing, short, skipped, sum(r.key not in used for r in runs))


def shown_root(root: str) -> str:
    """The runs folder as the user would type it: relative to the working directory when below it."""
    rel = os.path.relpath(root)
    return rel if not rel.startswith("..") else str(root)


def missing_message(claim_id: str, sweep: Sweep) -> str:
    """One line naming exactly the runs a claim still needs: the arms' shared configuration once, then per
    incomplete arm what sets it apart, the missing seeds and how many of its runs were found."""
    arms = sweep.arms
    names = [k for k, _ in next(iter(arms.values())).fields()]
    common = [k for k in names if len({dict(a.fields())[k] for a in arms.values()}) == 1]
    budgets = {a.epochs for a in arms.values()}
    head = " ".join(dict(next(iter(arms.values())).fields())[k] for k in common)
    head += f" runs of {budgets.pop()} epochs" if len(budgets) == 1 else " runs"
    parts = []
    for label, arm in arms.items():
        miss = sweep.missing[label]
        if not miss:
            continue
        own = " ".join(v for k, v in arm.fields() if k not in common) or label
        if len({a.epochs for a in arms.values()}) > 1:
            own += f" ({arm.epochs} epochs)"
        n_found = len(sweep.outcomes[label])
        why = f"{n_found} found" if n_found == 0 else f"{n_found} of {len(arm.seeds)} found"
        short = sweep.short[label]
        if short:
            at = sorted(o["epochs"] for o in short)
            why += (f"; seed{'s' if len(short) > 1 else ''} {seed_text(o['seed'] for o in short)} stopped unconverged "
                    f"before epoch {arm.epochs} (at {at[0]}{'' if at[0] == at[-1] else f'-{at[-1]}'})")
        if arm.unavailable:
            why += f": {arm.unavailable}"
        parts.append(f"{own} seeds {seed_text(miss)} ({why})")
    cost = sum(len(sweep.missing[label]) * arm.epochs for label, arm in arms.items())
    return (f"{claim_id} needs {head}: {', '.join(parts)} under {shown_root(sweep.root)}; "
            f"{training_cost(cost)}")


# measured training rates (README, Benchmarks): the H200, one process per run, 16 at a time (session 9:
# 11.8 seed-epochs/s); this 2-core CPU, one ReLU epoch at H=150, d=100 on one thread (benchmarks/cell_epoch.txt)
GPU_SEED_EPOCHS_PER_S = 11.8
CPU_SECONDS_PER_EPOCH = 20.6


def training_cost(seed_epochs: int) -> str:
    """What training seed_epochs costs, at the measured rates: 'about 2500 seed-epochs: 4 min of an H200, 14 h of
    one CPU core here'."""
    gpu = seed_epochs / GPU_SEED_EPOCHS_PER_S / 60
    cpu = seed_epochs * CPU_SECONDS_PER_EPOCH / 3600
    return (f"about {seed_epochs} seed-epochs to train: {gpu:.0f} min of an H200 (one process per run), "
            f"{cpu:.0f} h of one CPU core here")


def require(claim_id: str, sweep: Sweep, found: dict | None = None) -> None:
    """ClaimError naming the missing runs when an arm lacks seeds; its statistics keep what was found."""
    if sweep.complete:
        return
    err = ClaimError(missing_message(claim_id, sweep))
    err.statistics = {**sweep.summary(), **(found or {})}
    raise err


# ---------------------------------------------------------------------------------------------- the tests

def fisher_greater(k1: int, n1: int, k2: int, n2: int) -> float:
    """One-sided Fisher exact p that arm 1 converges more often than arm 2 (k of n converged in each)."""
    from scipy.stats import fisher_exact
    return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="greater")[1])


def trend_p(ks: list[int], ns: list[int], scores: list[float]) -> float:
    """One-sided exact trend test (exact Cochran-Armitage): P(T >= T_obs) for T = sum_i score_i k_i, over every
    way of placing the sum(ks) converged runs among the arms' runs (conditional on the total; equal to Fisher's
    exact test for two arms). Small p: the converged fraction rises with the score."""
    total = sum(ks)
    dist: dict[tuple[int, float], int] = {(0, 0.0): 1}
    for n, s in zip(ns, scores):
        nxt: dict[tuple[int, float], int] = {}
        for (k, t), w in dist.items():
            for j in range(0, min(n, total - k) + 1):
                key = (k + j, round(t + j * s, 9))
                nxt[key] = nxt.get(key, 0) + w * math.comb(n, j)
        dist = nxt
    obs = sum(k * s for k, s in zip(ks, scores))
    all_w = sum(w for (k, _), w in dist.items() if k == total)
    hit = sum(w for (k, t), w in dist.items() if k == total and t >= obs - 1e-9)
    return hit / all_w


def _u(x, y) -> float:
    return float(sum((a > b) + 0.5 * (a == b) for a in x for b in y))


def rank_sum_greater(x: list[float], y: list[float]) -> float:
    """One-sided p that x tends to exceed y: the Mann-Whitney U (ties count 1/2) against its exact permutation
    distribution over every split of the pooled values (normal approximation beyond EXACT_LIMIT splits)."""
    x, y = [float(v) for v in x], [float(v) for v in y]
    if not x or not y:
        return float("nan")
    pooled = x + y
    if math.comb(len(pooled), len(x)) > EXACT_LIMIT:
        from scipy.stats import mannwhitneyu
        return float(mannwhitneyu(x, y, alternative="greater", method="asymptotic").pvalue)
    obs = _u(x, y)
    idx = range(len(pooled))
    hit = total = 0
    for sel in combinations(idx, len(x)):
        chosen = set(sel)
        u = _u([pooled[i] for i in sel], [pooled[i] for i in idx if i not in chosen])
        hit += u >= obs - 1e-9
        total += 1
    return hit / total


def equivalence_p(x: list[float], y: list[float], margin: float) -> float:
    """Two one-sided Welch t-tests (TOST): p for |mean(x) - mean(y)| < margin (the larger of the two p);
    small p: the means are equivalent within the margin. NaN when either arm has fewer than 2 values."""
    from scipy.stats import ttest_ind
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 2 or len(y) < 2 or not (np.isfinite(x).all() and np.isfinite(y).all()):
        return float("nan")
    if x.var() == 0 and y.var() == 0:
        return 0.0 if abs(x.mean() - y.mean()) < margin else 1.0
    lower = ttest_ind(x + margin, y, equal_var=False, alternative="greater").pvalue  # diff > -margin
    upper = ttest_ind(x - margin, y, equal_var=False, alternative="less").pvalue  # diff < +margin
    return float(max(lower, upper))


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman rank correlation; NaN when either side is constant."""
    from scipy.stats import spearmanr
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        return float("nan")
    return float(spearmanr(xs, ys)[0])


# ------------------------------------------------------------------------------- the claims' statistics

def _finite(values) -> list[float]:
    return [v for v in values if math.isfinite(v)]


def _median(values) -> float:
    return float(np.median(values)) if len(values) else float("nan")


def _or_none(x: float):
    return x if math.isfinite(x) else None


def rise_statistics(sweep: Sweep, order: list[str], scores: list[float]) -> dict:
    """Converged fraction along ordered arms (e.g. input dimension d): the exact trend test's p, the gain from
    the first arm to the last, Spearman's rho of fraction against score, Fisher's p of last vs first."""
    ks, ns = zip(*(sweep.counts(a) for a in order))
    fr = [k / n for k, n in zip(ks, ns)]
    return {"trend_p": trend_p(list(ks), list(ns), scores), "converged_gain": fr[-1] - fr[0],
            "spearman_rho": spearman(scores, fr), "fisher_p_extremes": fisher_greater(ks[-1], ns[-1], ks[0], ns[0]),
            "fractions": dict(zip(order, fr)), "converged": {a: f"{k}/{n}" for a, k, n in zip(order, ks, ns)}}


def two_arm_statistics(sweep: Sweep, better: str, worse: str) -> dict:
    """Converged fractions of two arms: the gain of `better` over `worse` and Fisher's one-sided p."""
    (kb, nb), (kw, nw) = sweep.counts(better), sweep.counts(worse)
    return {"converged_gain": kb / nb - kw / nw, "fisher_p": fisher_greater(kb, nb, kw, nw),
            "fractions": {better: kb / nb, worse: kw / nw}, "converged": {better: f"{kb}/{nb}", worse: f"{kw}/{nw}"}}


def size_statistics(sweep: Sweep, small: str, ref: str, large: str, margin: float) -> dict:
    """Final validation loss (mean of the budget's last WINDOW epochs; a diverged run: +inf) of three arms,
    relative to the median of `ref`: the gain of `large` (ref - large), the excess of `small` (small - ref),
    medians; TOST equivalence p of large vs ref within +-margin (means, relative); one-sided rank-sum p that
    small ends higher than ref. Converged fractions beside."""
    inf = float("inf")
    loss = {a: sweep.values(a, "final_loss", missing=inf) for a in (small, ref, large)}
    m_ref = _median(loss[ref])
    rel = {a: [v / m_ref for v in vs] for a, vs in loss.items()}
    med = {a: _median(v) for a, v in rel.items()}
    return {"gain_large": _or_none(1 - med[large]), "excess_small": _or_none(med[small] - 1),
            "equivalence_p": equivalence_p(rel[large], rel[ref], margin),
            "worse_p": rank_sum_greater(rel[small], rel[ref]),
            "median_final_loss": {a: _or_none(_median(v)) for a, v in loss.items()},
            "margin": margin, "diverged": {a: sum(not math.isfinite(v) for v in vs) for a, vs in loss.items()},
            "fractions": {a: sweep.fraction(a) for a in (small, ref, large)},
            "converged": {a: "{}/{}".format(*sweep.counts(a)) for a in (small, ref, large)}}


def spike_statistics(sweep: Sweep, clipped: str, unclipped: str) -> dict:
    """Loss spikes per 100 epochs (a divergence counts as one) with and without clipping: the reduction of the
    mean rate by clipping, the one-sided rank-sum p that unclipped runs spike more, divergences, and the
    converged fractions (gain of clipped over unclipped, Fisher's one-sided p)."""
    rc, ru = sweep.values(clipped, "spikes_per_100"), sweep.values(unclipped, "spikes_per_100")
    (kc, nc), (ku, nu) = sweep.counts(clipped), sweep.counts(unclipped)
    return {"spike_reduction": float(np.mean(ru) - np.mean(rc)), "spike_p": rank_sum_greater(ru, rc),
            "spikes_per_100": {clipped: float(np.mean(rc)), unclipped: float(np.mean(ru))},
            "diverged": {a: sum(o["diverged"] for o in sweep.outcomes[a]) for a in (clipped, unclipped)},
            "converged_gain": kc / nc - ku / nu, "fisher_p": fisher_greater(kc, nc, ku, nu),
            "converged": {clipped: f"{kc}/{nc}", unclipped: f"{ku}/{nu}"}, "spike_rule": f"val > {1 + SPIKE:g} x median "
            f"of the {SPIKE_LOOKBACK} epochs before"}


def weights_at(run_path: str, epoch: int) -> str:
    """The checkpoint of a run at the arm's budget: its evolution checkpoint at that epoch when the run went
    further, else final.pt."""
    from ..runs import evolution_path
    evo = evolution_path(run_path, epoch)
    final = Path(run_path) / "final.pt"
    meta = _read_json(final.with_suffix(".json")) or {}
    return str(evo) if int(meta.get("epoch", epoch)) > epoch and evo.exists() else str(final)


def transition_errors(sweep: Sweep, label: str, hmm, seed: int, n: int = 2000) -> list[float]:
    """Per run of an arm, the largest error of the successive-symbol transition matrix of n sampled output
    sequences (training length) against the HMM's exact one (analysis.emission); a diverged run: +inf."""
    from ..checkpoint import load
    from ..hmm import output_marginal, output_transition_matrix
    from .common import seed_for
    from .emission import empirical, errors, rnn_sample
    arm = sweep.arms[label]
    exact = {"marginal": output_marginal(hmm, arm.seq_len), "transition": output_transition_matrix(hmm, arm.seq_len),
             "volatility": 0.0}
    out = []
    for o in sweep.outcomes[label]:
        if o["diverged"]:
            out.append(float("inf"))
            continue
        model = load(weights_at(o["run"], arm.epochs)).model
        seqs = rnn_sample(model, n, arm.seq_len, seed_for(seed, f"sweep-emit-{o['seed']}"))
        out.append(errors(empirical(seqs, hmm.n_outputs), exact)["transition_err"])
    return out


def transition_tolerance(hmm, length: int, seed: int, n: int = 2000, n_samples: int = 20, factor: float = 3.0,
                         floor: float = 0.01) -> float:
    """The emission claim's tolerance on the transition error: factor x the largest error of n_samples HMM
    samples of n sequences against the exact matrix, at least floor (analysis.emission.agreement's rule)."""
    from ..hmm import output_marginal, output_transition_matrix, sample
    from .common import seed_for
    from .emission import empirical, errors
    exact = {"marginal": output_marginal(hmm, length), "transition": output_transition_matrix(hmm, length),
             "volatility": 0.0}
    errs = [errors(empirical(sample(hmm, n, length, seed_for(seed, f"sweep-hmm{k}"))[1], hmm.n_outputs), exact)
            ["transition_err"] for k in range(n_samples)]
    return max(factor * float(np.nanmax(errs)), floor)


def loss_statistics(sweep: Sweep, errs: dict[str, list[float]], tol: float, ours: str, baseline: str) -> dict:
    """Transition errors of the Sinkhorn arm (`ours`) against a baseline-loss arm: the gain of ours (baseline
    median - ours median), the one-sided rank-sum p that the baseline's errors are larger, and the median of
    ours relative to the emission claim's tolerance."""
    med = {a: _median(v) for a, v in errs.items()}
    return {"transition_gain": _or_none(med[baseline] - med[ours]), "transition_p": rank_sum_greater(errs[baseline], errs[ours]),
            "ours_transition_ratio": _or_none(med[ours] / tol), "transition_tol": tol,
            "median_transition_err": {a: _or_none(m) for a, m in med.items()},
            "converged": {a: "{}/{}".format(*sweep.counts(a)) for a in (ours, baseline)}}
