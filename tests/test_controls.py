"""Negative controls and the pre-bifurcation rule (hmmrnn/controls.py)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import nets
from hmmrnn import controls
from hmmrnn.analysis.fixed_point import input_free_map
from hmmrnn.rnn import RNN, rollout

torch.set_num_threads(1)
H, D = 12, 4


def tiny(seed=0, bias=False) -> RNN:
    """nets.tiny, with biases drawn uniformly in [-0.3, 0.3] when there are biases."""
    m = nets.tiny(seed, hidden=H, inputs=D, bias=bias)
    if bias:
        m.bias_h.uniform_(-0.3, 0.3, generator=torch.Generator().manual_seed(seed + 1))
        m.bias_o.uniform_(-0.3, 0.3, generator=torch.Generator().manual_seed(seed + 2))
    return m


# ---------------------------------------------------------------- untrained


def test_untrained_is_seeded():
    a, b, c = controls.untrained(H, D, 3, 5), controls.untrained(H, D, 3, 5), controls.untrained(H, D, 3, 6)
    for k, v in a.state_dict().items():
        assert torch.equal(v, b.state_dict()[k])
    assert not torch.equal(a.weight_hh, c.weight_hh)
    assert (a.hidden, a.inputs, a.outputs, a.has_bias) == (H, D, 3, False)


# ---------------------------------------------------------------- shuffled


@pytest.mark.parametrize("bias", [False, True])
def test_shuffled_permutes_recurrent_weights_only(bias):
    m = tiny(1, bias=bias)
    before = {k: v.clone() for k, v in m.state_dict().items()}
    s = controls.shuffled(m, seed=3)
    assert torch.equal(torch.sort(s.weight_hh.flatten()).values, torch.sort(m.weight_hh.flatten()).values)
    assert not torch.equal(s.weight_hh, m.weight_hh)
    for k in before:
        assert torch.equal(m.state_dict()[k], before[k])  # the original is untouched
        if k != "weight_hh":
            assert torch.equal(s.state_dict()[k], before[k])  # input, readout (and biases) kept
    assert torch.equal(controls.shuffled(m, seed=3).weight_hh, s.weight_hh)  # seeded
    assert not torch.equal(controls.shuffled(m, seed=4).weight_hh, s.weight_hh)


# ---------------------------------------------------------------- line_attractor


def _ray(W: torch.Tensor) -> torch.Tensor:
    """The eigenvector of eigenvalue 1, made positive and unit-norm."""
    ev, vec = torch.linalg.eig(W.double())
    i = int(torch.argmin((ev - 1).abs()))
    assert abs(ev[i] - 1) < 1e-5
    v = vec[:, i].real
    return v * torch.sign(v.sum()) / v.norm()


def test_line_attractor_structure():
    la = controls.line_attractor(tiny(0), seed=2)
    for k in ("weight_ih", "weight_o"):
        assert torch.equal(getattr(la, k), getattr(tiny(0), k))
    ev = torch.linalg.eigvals(la.weight_hh.double()).abs().sort(descending=True).values
    assert ev[0] == pytest.approx(1.0, abs=1e-5) and ev[1] <= 0.5 + 1e-5  # one unit eigenvalue, the rest contract
    v = _ray(la.weight_hh)
    assert (v > 0).all()


@given(c=st.floats(0.0, 100.0), seed=st.integers(0, 50))
def test_line_attractor_every_point_of_the_ray_is_fixed(c, seed):
    la = controls.line_attractor(tiny(seed % 3), seed=seed)
    v = _ray(la.weight_hh).float()
    h = (c * v)[None]
    assert torch.allclose(input_free_map(la, h), h, atol=1e-5 * max(c, 1.0))
    end = rollout(la, None, h0=h, steps=50, record="last").states[:, -1]
    assert torch.allclose(end, h, atol=1e-4 * max(c, 1.0))


def test_line_attractor_off_line_starts_end_at_different_fixed_points():
    la = controls.line_attractor(tiny(0), seed=2)
    h0 = torch.rand(6, H, generator=torch.Generator().manual_seed(0)) * torch.tensor([1, 2, 3, 4, 5, 6.0])[:, None]
    end = rollout(la, None, h0=h0, steps=300, record="last").states[:, -1]
    assert torch.allclose(input_free_map(la, end), end, atol=1e-5)  # each is a fixed point
    d = torch.cdist(end, end)
    assert d[~torch.eye(6, dtype=bool)].min() > 1e-2  # ... and all of them differ
    v = _ray(la.weight_hh).float()
    assert torch.allclose(end / end.norm(dim=1, keepdim=True), v.expand_as(end), atol=1e-4)  # on the ray


def test_line_attractor_of_a_biased_net_is_bias_free_in_the_recurrence():
    m = tiny(1, bias=True)
    la = controls.line_attractor(m, seed=2)
    assert torch.equal(la.bias_h, torch.zeros(H)) and torch.equal(la.bias_o, m.bias_o)
    v = _ray(la.weight_hh).float()
    assert torch.allclose(input_free_map(la, 3 * v[None]), 3 * v[None], atol=1e-5)


# ---------------------------------------------------------------- bifurcation_epoch / pre_bifurcation_epoch


def _history(noise=0.0, seed=0, descent=True, first=0, last=120):
    """Optional initial descent 80 -> 36 over 10 epochs, plateau at 36 to epoch 50 (40 epochs), linear drop to 20
    over epochs 50-60, then flat."""
    ep = np.arange(first, last + 1)
    val = np.where(ep < 50, 36.0, np.where(ep <= 60, 36 - 1.6 * (ep - 50), 20.0))
    if descent:
        val = np.where(ep < 10, 80 - 4.4 * ep, val)
    val = val + noise * np.random.default_rng(seed).standard_normal(len(ep))
    return [{"epoch": int(e), "train": float(x), "val": float(x)} for e, x in zip(ep, val)]


@pytest.mark.parametrize("descent, first", [(True, 0), (False, 10)])
def test_bifurcation_epoch_clean(descent, first):
    assert 50 <= controls.bifurcation_epoch(_history(descent=descent, first=first)) <= 62


@given(seed=st.integers(0, 10_000))
def test_bifurcation_epoch_noisy(seed):
    assert 50 <= controls.bifurcation_epoch(_history(noise=0.3, seed=seed)) <= 62


def test_pre_bifurcation_epoch_rule():
    hist = _history()
    b = controls.bifurcation_epoch(hist)
    avail = list(range(0, 121, 10))
    pre = controls.pre_bifurcation_epoch(hist, avail)
    assert pre == max(e for e in avail if e <= b - 20) == 30
    assert controls.pre_bifurcation_epoch(hist, [3, 17, b - 20, b - 19, 90]) == b - 20  # boundary included
    with pytest.raises(ValueError, match="no evolution checkpoint"):
        controls.pre_bifurcation_epoch(hist, [b - 19, 80, 100])


def test_bifurcation_epoch_too_short_history():
    with pytest.raises(ValueError, match="at least 12 epochs"):
        controls.bifurcation_epoch(_history(last=10))
    assert controls.bifurcation_epoch(_history(first=0, last=11, descent=False)) >= 0  # 12 epochs are enough


@settings(max_examples=20, deadline=None, derandomize=True)
@given(last=st.integers(1, 120), every=st.integers(1, 40))
def test_thin_evolution_keeps_multiples_and_the_last(tmp_path_factory, last, every):
    from hmmrnn.runs import evolution_epochs, thin_evolution
    run = tmp_path_factory.mktemp("run")
    (run / "evolution").mkdir()
    made = sorted(set(range(0, last + 1, 10)) | {last})
    for e in made:
        for ext in (".pt", ".json"):
            (run / "evolution" / f"epoch_{e:04d}{ext}").write_text("x")
    gone = thin_evolution(run, every)
    kept = evolution_epochs(run)
    assert kept == [e for e in made if e % every == 0 or e == last]
    assert sorted(gone + kept) == made
    assert sorted(p.name for p in (run / "evolution").iterdir()) == sorted(
        f"epoch_{e:04d}{x}" for e in kept for x in (".pt", ".json"))


def test_drop_evolution_history_keeps_everything_else(tmp_path):
    from hmmrnn.runs import drop_evolution_history
    hist = [{"epoch": e, "val": 10.0 - e} for e in range(1, 6)]
    (tmp_path / "evolution").mkdir()
    (tmp_path / "history.json").write_text(json.dumps(hist))
    sides = {2: {"epoch": 2, "sha256": "a", "history": hist[:2]},
             4: {"epoch": 4, "sha256": "b", "history": [{"epoch": 1, "val": 0.0}]}}  # disagrees: kept as is
    for e, meta in sides.items():
        (tmp_path / "evolution" / f"epoch_{e:04d}.json").write_text(json.dumps(meta))
    assert drop_evolution_history(tmp_path) == 1
    assert json.loads((tmp_path / "evolution" / "epoch_0002.json").read_text()) == {
        "epoch": 2, "sha256": "a", "history_in": "../history.json"}
    assert json.loads((tmp_path / "evolution" / "epoch_0004.json").read_text()) == sides[4]
    assert json.loads((tmp_path / "history.json").read_text()) == hist


def test_upsert_keeps_investigated_failures_of_the_same_checkpoint(tmp_path):
    from hmmrnn.manifest import read, upsert
    path = tmp_path / "manifest.json"
    upsert(path, {"name": "a", "sha256": "1", "expected_fail": {"c": "model: why"}})
    upsert(path, {"name": "a", "sha256": "1", "epochs": 3})  # provenance refreshed: reasons kept
    assert read(path)["fixtures"] == [{"name": "a", "sha256": "1", "epochs": 3, "expected_fail": {"c": "model: why"}}]
    upsert(path, {"name": "a", "sha256": "2"})  # a different checkpoint: its failures are not known yet
    assert read(path)["fixtures"] == [{"name": "a", "sha256": "2"}]


def test_manifest_entries_marked_not_ci_are_not_cases(tmp_path):
    """A checkpoint kept for comparison ("ci": false, e.g. a seed at 300 epochs beside its 500-epoch run) is
    not judged by default, so no seed counts twice in the replication summary."""
    from hmmrnn.cases import from_manifest
    (tmp_path / "manifest.json").write_text(json.dumps({"fixtures": [
        {"name": "a", "path": "a/final.pt", "hmm": "linear:2"},
        {"name": "a-early", "path": "a-early/final.pt", "hmm": "linear:2", "ci": False}]}))
    assert [c.name for c in from_manifest(tmp_path)] == ["a"]
