"""The convergence filter selects on the loss alone (issue 20): a statistic a claim tests must not decide
which networks are counted for it."""
from __future__ import annotations

import numpy as np

from hmmrnn.analysis import convergence as cv
from hmmrnn.hmm import parse_spec
from hmmrnn.registry import all_claims, get
from nets import tiny


def _history(final: float) -> list[dict]:
    """A loss curve with a plateau at 10 (epochs 20-40) and a flat end at `final`."""
    return [{"epoch": e, "val": 10.0 if e <= 60 else final} for e in range(1, 201)]


def test_the_filter_reads_loss_statistics_only():
    conv = get("training.convergence")
    for reading in ("strict", "paper"):
        used = {t.statistic for t in conv.reading(reading).thresholds} - {"epochs"}
        assert used == set(cv.LOSS_STATISTICS), (reading, used)


def test_no_statistic_of_the_filter_decides_an_inventory_row_of_another_claim():
    for claim in all_claims():
        if claim.id == "training.convergence":
            continue
        for reading in ("strict", "paper"):
            for t in claim.reading(reading).thresholds:
                assert t.statistic not in cv.LOSS_STATISTICS, (claim.id, reading, t.statistic)


def test_volatility_does_not_change_the_verdict(monkeypatch):
    """The same loss history gives the same verdict whatever the network emits (volatility reported only)."""
    hmm, net = parse_spec("linear:2"), tiny(seed=0, outputs=3)
    verdicts = []
    for symbols in (np.zeros((50, 30), dtype=int), np.tile([0, 2], (50, 15))):  # volatility 0, then 1
        monkeypatch.setattr(cv, "rnn_sample", lambda *a, s=symbols, **k: s)
        got = cv.convergence(net, hmm, _history(5.0), seed=0)
        verdicts.append(got["converged"])
        assert "volatility" in got and "volatility" not in got["why_not"]
    assert verdicts == [True, True]
    assert cv.convergence(net, hmm, _history(9.5), seed=0)["why_not"] == "no second descent"


def _fixed_window_verdict(history: list[dict]) -> bool:
    """The rule before issue 30, as an oracle: the plateau the median of epochs 20-40."""
    val = np.array([h["val"] for h in history], float)
    ep = np.array([h["epoch"] for h in history])
    plateau = np.median(val[(ep >= 20) & (ep <= 40)])
    last = val[-cv.WINDOW:]
    half = cv.WINDOW // 2
    return bool(1 - last.mean() / plateau >= cv.DESCENT
                and abs(last[:half].mean() - last[half:].mean()) / abs(last.mean()) <= cv.FLAT)


def test_the_plateau_located_on_the_curve_changes_no_relu_verdict_of_the_fixtures():
    """Every ReLU run of the fixtures, its history cut at every epoch the rule can judge: the same verdict as the
    fixed window 20-40 the rule read before (issue 30)."""
    import json
    from pathlib import Path
    runs = [p for p in sorted(Path(__file__).resolve().parents[1].joinpath("fixtures").glob("*/final.json"))
            if json.loads(p.read_text()).get("history")]
    assert len(runs) >= 30
    n = 0
    for p in runs:
        meta = json.loads(p.read_text())
        if meta.get("cell", "relu") != "relu":
            continue
        h = meta["history"]
        for k in range(cv.MIN_EPOCHS, len(h) + 1):
            assert cv.loss_verdict(h[:k])["converged"] == _fixed_window_verdict(h[:k]), (p.parent.name, k)
            n += 1
    assert n > 10_000


def test_a_fast_cell_that_leaves_its_plateau_early_is_judged_on_its_own_plateau():
    """A GRU-like curve: first plateau at 35 over epochs 6-17, second descent by epoch 30, flat at 10 after. The
    fixed window 20-40 read the descent itself (median ~12) and said 'no second descent'; the curve's plateau is 35."""
    val = [52 - 3 * e for e in range(1, 6)] + [35.0] * 12 + [35 - 2.5 * (e - 17) for e in range(18, 28)] + \
          [10.0 + 0.01 * (e % 3) for e in range(28, 151)]
    h = [{"epoch": e, "val": v} for e, v in enumerate(val, 1)]
    got = cv.loss_verdict(h)
    assert got["plateau_loss"] == 35.0 and 5 <= got["plateau_from_epoch"] <= 7
    assert got["converged"] and not _fixed_window_verdict(h)
