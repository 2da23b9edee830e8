"""The training claims decided over a folder of runs (analysis.sweeps, claims/training_*.py): tiny fake run folders
(metadata + loss history, as hmmrnn.train writes them) whose answer is known, the exact tests against brute
force, the missing-runs ERROR, and the plugin's --runs-dir wiring."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.stats import fisher_exact, mannwhitneyu

import hmmrnn
from hmmrnn.analysis import sweeps
from hmmrnn.analysis.sweeps import Arm
from hmmrnn.checkpoint import save
from hmmrnn.errors import ClaimError
from hmmrnn.hmm import parse_spec
from hmmrnn.claims import (training_baseline_loss, training_clipping, training_hidden_size,
                           training_input_dimension, training_sequence_length)
from hmmrnn.rnn import RNN
from hmmrnn.subject import Subject, statistics

REPO = Path(hmmrnn.__file__).resolve().parents[1]
PROTOCOL = {"batch": 4096, "lr": 0.001, "betas": [0.9, 0.9], "n_sequences": 30000, "blur": 0.2}


# ------------------------------------------------------------------------------------------ fake runs

def history(epochs: int, converge_at: int | None = None, spikes=(), diverge: bool = False, seed: int = 0) -> list:
    """A loss history: first descent to a plateau at 36 by epoch 5, a second descent to 10 at converge_at
    (None: stays on the plateau), small noise, the epochs in `spikes` doubled; diverge: ends rising."""
    rng = np.random.default_rng(seed)
    out = []
    for e in range(1, epochs + 1):
        v = 36.0 + 14 * max(0, 5 - e)
        if converge_at is not None and e >= converge_at:
            v = 10.0 + 26 * math.exp(-(e - converge_at) / 5)
        v *= 1 + 0.01 * rng.standard_normal()
        if e in spikes:
            v *= 2.0
        out.append({"epoch": e, "train": v, "val": v, "seconds": 0.1})
    if diverge:
        for k, h in enumerate(out[-4:]):
            h["val"] *= 1.5 ** (k + 1)
    return out


def make_run(root: Path, name: str, *, hmm="linear:2", hidden=150, inputs=100, seq_len=100, clip=0.9, seed=0,
             hist=None, loss=None, kind="final", diverged=False, weights=False, continue_from=None, **protocol):
    """A run folder as hmmrnn.train leaves it: final.json (+ history.json), or for a diverged run only
    history.json and an evolution sidecar; weights: a final.pt of the right shape (random weights)."""
    run = root / name
    (run / "evolution").mkdir(parents=True, exist_ok=True)
    hist = hist if hist is not None else history(500, 60, seed=seed)
    training = {"hmm": hmm, "hidden": hidden, "inputs": inputs, "epochs": hist[-1]["epoch"], "seed": seed,
                "clip": clip, "seq_len": seq_len, "continue_from": continue_from, **PROTOCOL, **protocol}
    if loss is not None:
        training["loss"] = loss
    meta = {"kind": kind, "epoch": hist[-1]["epoch"], "hmm": parse_spec(hmm).to_json(), "seed": seed,
            "training": training}
    (run / "history.json").write_text(json.dumps(hist))
    if diverged:
        (run / "evolution" / "epoch_0010.json").write_text(json.dumps({**meta, "kind": "evolution", "epoch": 10}))
    elif weights:
        model = RNN(hidden, inputs, 3, generator=torch.Generator().manual_seed(seed)).requires_grad_(False)
        save(run / "final", model, meta)
    else:
        (run / "final.json").write_text(json.dumps(meta))
    return run


def arm_runs(root: Path, arm: Arm, label: str, converged: int, **kw):
    """Runs of every seed of an arm, the first `converged` of them converged; folder names say nothing."""
    for i, s in enumerate(arm.seeds):
        hist = kw.pop("hist_of", None)
        make_run(root, f"run-{label}-{s}".replace("=", "").replace(".", ""), hmm=arm.hmm, hidden=arm.hidden,
                 inputs=arm.inputs, seq_len=arm.seq_len, clip=arm.clip, seed=s, loss=None if arm.loss == "sinkhorn"
                 else arm.loss, hist=history(arm.epochs, 60 if i < converged else None, seed=s), **kw)


def decide(claim, root: Path) -> dict:
    """{reading: (statistics, failed thresholds)} of a sweep claim over the runs under root."""
    s = Subject(path=str(root), model=None, seed=1)
    out = {}
    for rd in claim.readings():
        stats = statistics(claim, rd.name, s)
        out[rd.name] = (stats, rd.decide(stats)[1])
    return out


# ------------------------------------------------------------------------------------------ the tests' maths

def test_trend_p_is_the_exact_permutation_test():
    """trend_p against brute force: every placement of the converged runs among all runs."""
    ks, ns, scores = [0, 1, 2, 3], [3, 3, 4, 3], [0.0, 1.0, 2.0, 2.3]
    units = [s for n, s in zip(ns, scores) for _ in range(n)]
    obs, total = sum(k * s for k, s in zip(ks, scores)), sum(ks)
    sums = [sum(units[i] for i in c) for c in combinations(range(len(units)), total)]
    assert sweeps.trend_p(ks, ns, scores) == pytest.approx(np.mean([t >= obs - 1e-9 for t in sums]))
    # two arms: Fisher's exact test
    for k1, k2 in ((4, 1), (2, 2), (0, 3), (5, 0)):
        assert sweeps.trend_p([k2, k1], [5, 6], [0.0, 1.0]) == pytest.approx(
            fisher_exact([[k1, 6 - k1], [k2, 5 - k2]], alternative="greater")[1])
        assert sweeps.fisher_greater(k1, 6, k2, 5) == pytest.approx(sweeps.trend_p([k2, k1], [5, 6], [0.0, 1.0]))
    assert sweeps.trend_p([3, 3, 3], [3, 3, 3], [0, 1, 2]) == 1.0  # nothing to rise: no evidence


def test_rank_sum_is_exact_and_equivalence_can_say_both():
    x, y = [3.1, 4.2, 5.0, 6.3, 7.7], [1.0, 2.2, 3.3, 0.5, 2.9]
    assert sweeps.rank_sum_greater(x, y) == pytest.approx(mannwhitneyu(x, y, alternative="greater", method="exact").pvalue)
    assert sweeps.rank_sum_greater([0, 0, 0, 0, 0], [0, 0, 0, 0, 0]) == 1.0  # ties: no evidence
    assert sweeps.rank_sum_greater([1, 1, 1, 1, 0], [0] * 5) == pytest.approx(6 / 252)
    rng = np.random.default_rng(0)
    a, b = 1 + 0.01 * rng.standard_normal(5), 1 + 0.01 * rng.standard_normal(5)
    assert sweeps.equivalence_p(a, b, 0.05) < 0.001
    assert sweeps.equivalence_p(a, b + 0.2, 0.05) > 0.5
    assert math.isnan(sweeps.equivalence_p([1.0], b, 0.05))


def test_loss_spikes_counts_jumps_once_skips_continuations_and_counts_divergence():
    h = history(200, 60, spikes=(100, 101, 150))
    assert sweeps.loss_spikes(h) == 2  # 100-101 is one spike
    assert sweeps.loss_spikes(h, continued_at=145) == 1  # the fresh Adam state's first epochs passed over
    assert sweeps.loss_spikes(h, diverged=True) == 3
    assert sweeps.loss_spikes(history(200, 60)) == 0


# ------------------------------------------------------------------------------------------ finding runs

def test_runs_are_identified_by_metadata_and_unfinished_states_are_not_runs(tmp_path):
    make_run(tmp_path, "H200-seed0", hidden=50, seed=0)  # the folder's name is wrong: the metadata decides
    make_run(tmp_path, "a", seed=1, hist=history(300, 60, seed=1))
    make_run(tmp_path, "a-continued", seed=1, hist=history(500, 60, seed=1), continue_from={"path": "a", "epoch": 300})
    make_run(tmp_path, "control", seed=2, kind="control")
    make_run(tmp_path, "blew-up", seed=3, hist=history(120, 60, diverge=True, seed=3), diverged=True)
    (tmp_path / "partial" / "linear2-seed4").mkdir(parents=True)
    torch.save({"x": torch.zeros(1)}, tmp_path / "partial" / "linear2-seed4" / "state-epoch0299.pt")
    runs, skipped = sweeps.find_runs(tmp_path)
    got = {(r.hidden, r.seed): r for r in runs}
    assert set(got) == {(50, 0), (150, 1), (150, 3)}
    assert got[(150, 1)].path.endswith("a-continued") and got[(150, 1)].continued_at == 300
    assert got[(150, 3)].status == "diverged" and got[(150, 3)].epochs == 120
    why = {s["path"]: s["why"] for s in skipped}
    assert "not a trained run" in why["control"] and "unfinished" in why[os.path.join("partial", "linear2-seed4")]
    assert "longer" in why["a"]
    o = sweeps.outcome(got[(150, 3)], 500)
    assert o["counted"] and o["diverged"] and not o["converged"] and o["spikes"] >= 1


def test_missing_runs_error_names_them_exactly_and_keeps_what_was_found(tmp_path):
    s = Subject(path=str(tmp_path), model=None, seed=1)
    with pytest.raises(ClaimError) as e:
        statistics(training_hidden_size.CLAIM, "strict", s)
    assert str(e.value) == ("training.hidden-size needs linear:2 d=100 L=100 clip=0.9 loss=sinkhorn runs of 500 epochs: "
                            f"H=50 seeds 0-4 (0 found), H=150 seeds 0-4 (0 found), H=200 seeds 0-4 (0 found) under "
                            f"{sweeps.shown_root(str(tmp_path))}; about 7500 seed-epochs to train: 11 min of an H200 "
                            "(one process per run), 43 h of one CPU core here")  # 15 runs x 500 epochs
    arms = training_hidden_size.ARMS
    arm_runs(tmp_path, arms["H=150"], "H150", 5)
    arm_runs(tmp_path, arms["H=200"], "H200", 5)
    for seed in (0, 1):
        make_run(tmp_path, f"small-{seed}", hidden=50, seed=seed)
    make_run(tmp_path, "small-3", hidden=50, seed=3, hist=history(315, None, seed=3))  # time ran out: not counted
    make_run(tmp_path, "other", hidden=50, seed=2, batch=100)  # a smoke test's protocol: another configuration
    with pytest.raises(ClaimError) as e:
        statistics(training_hidden_size.CLAIM, "paper", Subject(path=str(tmp_path), model=None, seed=1))
    msg = str(e.value)
    assert ": H=50 seeds 2-4 (2 of 5 found; seed 3 stopped unconverged before epoch 500 (at 315)) under" in msg, msg
    assert "H=150" not in msg and "H=200" not in msg
    found = e.value.statistics
    assert found["arms"]["H=150"]["converged"] == 5 and found["arms"]["H=50"]["found"] == 2
    assert found["runs_of_other_configurations"] == 1 and found["_plot"]["n"] == [2, 5, 5]
    with pytest.raises(ClaimError, match=r"loss=mse seeds 0-4 \(0 found\)"):
        statistics(training_baseline_loss.CLAIM, "paper", Subject(path=str(tmp_path), model=None, seed=1))


# ------------------------------------------------------------------------------------------ decisions

def test_input_dimension_passes_a_rise_and_fails_a_ceiling(tmp_path):
    arms = training_input_dimension.ARMS
    for (label, arm), k in zip(arms.items(), (0, 1, 3, 5)):
        arm_runs(tmp_path / "rise", arm, label, k)
        arm_runs(tmp_path / "flat", arm, label, 5)
    rise = decide(training_input_dimension.CLAIM, tmp_path / "rise")
    assert rise["strict"][1] == [] and rise["paper"][1] == [], rise
    assert rise["strict"][0]["trend_p"] < 0.001 and rise["strict"][0]["converged_gain"] == 1.0
    flat = decide(training_input_dimension.CLAIM, tmp_path / "flat")
    assert flat["strict"][1] and flat["paper"][1]  # every d converges: no improvement to see


def test_hidden_size_equivalence_and_the_smaller_net(tmp_path):
    arms = training_hidden_size.ARMS
    for label, arm in arms.items():
        arm_runs(tmp_path / "paper", arm, label, 5 if label != "H=50" else 0)  # H=50 stays on the plateau
        arm_runs(tmp_path / "same", arm, label, 5)
    ok = decide(training_hidden_size.CLAIM, tmp_path / "paper")
    assert ok["strict"][1] == [] and ok["paper"][1] == [], ok
    assert ok["strict"][0]["excess_small"] > 2 and abs(ok["strict"][0]["gain_large"]) < 0.01
    same = decide(training_hidden_size.CLAIM, tmp_path / "same")  # H=50 as good as 150: the second half fails
    assert any("excess_small" in f for f in same["strict"][1]) and any("excess_small" in f for f in same["paper"][1])
    assert same["strict"][0]["equivalence_p"] < 0.05


def test_sequence_length_and_clipping_decide_both_ways(tmp_path):
    arms = training_sequence_length.ARMS
    arm_runs(tmp_path / "help", arms["L=30"], "L30", 8)
    arm_runs(tmp_path / "help", arms["L=40"], "L40", 1)
    arm_runs(tmp_path / "none", arms["L=30"], "L30", 0)
    arm_runs(tmp_path / "none", arms["L=40"], "L40", 0)
    helps = decide(training_sequence_length.CLAIM, tmp_path / "help")
    assert helps["strict"][1] == [] and helps["paper"][1] == [] and helps["strict"][0]["fisher_p"] < 0.01
    none = decide(training_sequence_length.CLAIM, tmp_path / "none")
    assert none["strict"][1] and none["paper"][1]

    arms = training_clipping.ARMS
    arm_runs(tmp_path / "clip", arms["clip=0.9"], "c09", 5)
    for s in arms["clip=0"].seeds:
        spiky = history(500, 60, spikes=(200, 320), seed=s)
        if s < 4:
            make_run(tmp_path / "clip", f"u{s}", clip=0.0, seed=s, hist=spiky)
        else:  # blew up at epoch 250
            make_run(tmp_path / "clip", f"u{s}", clip=0.0, seed=s, hist=history(250, 60, diverge=True, seed=s),
                     diverged=True)
    got = decide(training_clipping.CLAIM, tmp_path / "clip")
    assert got["strict"][1] == [] and got["paper"][1] == [], got
    st = got["strict"][0]
    assert st["diverged"] == {"clip=0.9": 0, "clip=0": 1} and st["spike_p"] < 0.01
    arm_runs(tmp_path / "calm", arms["clip=0.9"], "c09", 5)
    arm_runs(tmp_path / "calm", arms["clip=0"], "c0", 5)
    calm = decide(training_clipping.CLAIM, tmp_path / "calm")
    assert calm["strict"][1] and calm["paper"][1]  # no spikes either way: nothing stabilised


def test_baseline_loss_compares_transition_errors(tmp_path):
    """With runs of both losses present the recipe samples each net; here both arms are random nets of the same
    kind, so there is no gain to find; the decision itself is checked on given errors."""
    arms = training_baseline_loss.ARMS
    for label, arm in arms.items():
        for s in arm.seeds[:5]:
            make_run(tmp_path, f"{label}{s}", seed=s, loss=None if label == "sinkhorn" else label, weights=True)
    got = decide(training_baseline_loss.CLAIM, tmp_path)
    assert got["strict"][1] and got["strict"][0]["transition_p"] > 0.05
    sw = sweeps.gather(tmp_path, arms)
    st = sweeps.loss_statistics(sw, {"sinkhorn": [0.01] * 5, "mse": [0.3, 0.4, 0.2, float("inf"), 0.5]}, 0.02,
                                "sinkhorn", "mse")
    rd = training_baseline_loss.CLAIM
    assert rd.reading("strict").evaluate(st) == [] and rd.reading("paper").evaluate(st) == []


# ------------------------------------------------------------------------------------------ the plugin

def _pytest(*args, cwd=REPO) -> str:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", *args], cwd=cwd,
                       env=env, capture_output=True, text=True, timeout=300)
    return r.stdout + r.stderr


def test_plugin_gives_one_training_runs_case_per_reading(tmp_path):
    """--runs-dir: one case 'training-runs' per reading, an ERROR naming the runs (no traceback) with the
    found statistics in results.json; with --checkpoint and no --runs-dir the claim is skipped."""
    arms = training_clipping.ARMS
    arm_runs(tmp_path / "runs", arms["clip=0.9"], "c09", 5)
    (tmp_path / "fx").mkdir()  # no manifest: the repository's expected failures do not turn the ERRORs into xfails
    out = _pytest("claims/training_clipping.py", "--runs-dir", str(tmp_path / "runs"), "--report-dir",
                  str(tmp_path / "rep"), "--fixtures-dir", str(tmp_path / "fx"))
    lines = [l for l in out.splitlines() if l.startswith("ERROR training.clipping:")]
    assert len(lines) == 2 and all("clip=0 seeds 0-4 (0 found)" in l for l in lines), out
    assert "Traceback" not in out
    rows = json.loads((tmp_path / "rep" / "results.json").read_text())["claims"]
    assert {(r["checkpoint"], r["verdict"]) for r in rows} == {("training-runs", "error")}
    assert all(r["statistics"]["arms"]["clip=0.9"]["converged"] == 5 for r in rows)
    m = RNN(8, 4, 3)
    save(tmp_path / "net", m, {"hmm": parse_spec("linear:2").to_json()})
    out = _pytest("claims/training_clipping.py", "--checkpoint", str(tmp_path / "net.pt"), "--report-dir",
                  str(tmp_path / "rep2"))
    assert "2 skipped" in out and "give --runs-dir" in out, out
