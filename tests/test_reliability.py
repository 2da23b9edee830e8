"""The reliability table (scripts/reliability.py) on a constructed case whose draw-to-draw variance is known: its
standard error is the statistic's, and the near-the-cut flag reads it."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from hmmrnn import precision

ROOT = Path(__file__).resolve().parents[1]


def _reliability():
    spec = importlib.util.spec_from_file_location("reliability_script", ROOT / "scripts" / "reliability.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_draw_standard_error_of_a_statistic_with_known_variance(tmp_path):
    """x: the mean of 25 standard normal draws per claims seed, so its standard deviation over seeds is 1/5."""
    n, seeds = 25, range(1, 61)

    def x(seed: int) -> float:
        return float(5.0 + np.random.default_rng(seed).standard_normal(n).mean())

    meta = {"c": {"readings": {"strict": {"thresholds": [{"statistic": "x", "op": "<", "value": 5.5, "rows": ["P1"]}]}}}}
    late = [{"claim": "c", "reading": "strict", "checkpoint": f"r0@{e}", "role": "trained", "statistics": {"x": x(1000 + e)}}
            for e in (100, 110, 120)]
    store = {"linear:2": {"audit": {"seeds": ["r0"]}, "claims_meta": meta, "claims": late}}
    draws = {}
    for s in seeds:
        path = tmp_path / f"r0-claims{s}.json"
        path.write_text(json.dumps({"claims": [{"claim": "c", "reading": "strict", "checkpoint": "r0",
                                                 "statistics": {"x": x(s)}}]}))
        draws.setdefault("r0", {})[s] = path
    line, = _reliability().table(store, draws, [])
    assert line["draw_sd"] == pytest.approx(1 / np.sqrt(n), abs=0.06)  # 0.2; the sd of 61 draws' sd is ~0.018
    assert line["draw_sd_by_family"] == {"linear:2": line["draw_sd"]}
    noise = precision.noise_from_lines([line])
    se = precision.standard_error(noise, "c", "strict", "x", "linear:2")
    assert se == line["draw_sd"]
    th = meta["c"]["readings"]["strict"]["thresholds"]
    assert precision.near_cut("c", "strict", {"x": 5.5 - 1.5 * se}, th, noise, "linear:2")  # within 2 se: flagged
    assert not precision.near_cut("c", "strict", {"x": 5.5 - 2.5 * se}, th, noise, "linear:2")
