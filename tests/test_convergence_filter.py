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
